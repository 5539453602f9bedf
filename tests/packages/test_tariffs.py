"""Tariffs: effective-dated lookups and Excel import with per-row errors."""

import datetime
import io
from decimal import Decimal

import pytest
import xlsxwriter

from packages.models import (
    CareType,
    TariffCaseRate,
    TariffPhcCoefficient,
    TariffPhcNorm,
    TariffServicePrice,
)
from packages.selectors import (
    bed_day_rate_on,
    case_rate_on,
    phc_capitation,
    service_price_on,
)
from packages.tariff_import import tariff_import
from tests.factories import region

JAN_2025 = datetime.date(2025, 1, 1)
JAN_2026 = datetime.date(2026, 1, 1)


def xlsx(rows):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    book.close()
    return buffer.getvalue()


CASE_HEADER = ["code", "name", "care_type", "severity", "cost_weight", "amount", "valid_from",
               "valid_to"]


def test_case_rates_import_and_lookup_by_date_and_severity(db, hq_operator):
    content = xlsx([
        CASE_HEADER,
        ["ST01.001", "Аппендэктомия", "inpatient_planned", 1, "1,25", "245 000,00",
         "2025-01-01", "2025-12-31"],
        ["ST01.001", "Аппендэктомия", "inpatient_planned", 2, "1.6", 313600, "2025-01-01", ""],
        ["ST01.001", "Аппендэктомия", "inpatient_planned", 1, "1.3", "260150.50", "01.01.2026",
         ""],
    ])
    outcome = tariff_import(kind="case_rate", content=content, acting_user=hq_operator)
    assert outcome.ok, [str(e) for e in outcome.errors]
    assert outcome.new == 3
    assert case_rate_on(code="ST01.001", severity=1, on=datetime.date(2025, 7, 1)).amount == \
        Decimal("245000.00")
    assert case_rate_on(code="ST01.001", severity=1, on=datetime.date(2026, 7, 1)).amount == \
        Decimal("260150.50")
    assert case_rate_on(code="ST01.001", severity=2, on=datetime.date(2026, 7, 1)).amount == \
        Decimal("313600")
    assert case_rate_on(code="ST01.001", severity=3, on=datetime.date(2026, 7, 1)) is None
    row = TariffCaseRate.objects.get(severity=2)
    assert row.history.first().history_user == hq_operator

    again = tariff_import(kind="case_rate", content=content, acting_user=hq_operator)
    assert again.ok and again.new == 0
    assert TariffCaseRate.objects.count() == 3


def test_import_reports_every_bad_row_and_saves_nothing(db):
    content = xlsx([
        CASE_HEADER,
        ["K1", "Ok", "inpatient_planned", 1, "", "1000", "2026-01-01", ""],
        ["K2", "Bad care", "massage", 1, "", "1000", "2026-01-01", ""],
        ["K3", "Bad amount", "inpatient_planned", 1, "", "лот", "2026-01-01", ""],
        ["K4", "Negative", "inpatient_planned", 1, "", "-5", "2026-01-01", ""],
        ["K5", "Dates", "inpatient_planned", 1, "", "10", "2026-05-01", "2026-01-01"],
        ["K1", "Repeat", "inpatient_planned", 1, "", "1000", "2026-01-01", ""],
        ["K6", "Bad date", "inpatient_planned", 1, "", "10", "31/12/2026", ""],
    ])
    outcome = tariff_import(kind="case_rate", content=content)
    by_row = {}
    for error in outcome.errors:
        by_row.setdefault(error.row, []).append(f"{error.field}: {error.message}")
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8]
    assert "Unknown type of care code massage" in " ".join(by_row[3])
    assert "is not a number" in " ".join(by_row[4])
    assert by_row[5]  # negative amount: the model's check constraint
    assert "before the start date" in " ".join(by_row[6])
    assert "already in row" in " ".join(by_row[7])
    assert "is not a date" in " ".join(by_row[8])
    assert TariffCaseRate.objects.count() == 0


def test_overlapping_periods_for_one_key_are_refused(db):
    content = xlsx([
        ["code", "name", "care_type", "price", "valid_from", "valid_to"],
        ["A01.001", "Приём терапевта", "consultative_diagnostic", "3500", "2026-01-01", ""],
    ])
    assert tariff_import(kind="service_price", content=content).ok
    overlapping = xlsx([
        ["code", "name", "care_type", "price", "valid_from", "valid_to"],
        ["A01.001", "Приём терапевта", "consultative_diagnostic", "3700", "2026-07-01", ""],
    ])
    outcome = tariff_import(kind="service_price", content=overlapping)
    assert not outcome.ok
    assert outcome.errors[0].row == 2
    assert "Overlaps" in outcome.errors[0].message
    assert service_price_on(code="A01.001", on=datetime.date(2026, 9, 1)).price == Decimal("3500")


def test_missing_columns_are_named(db):
    outcome = tariff_import(kind="bed_day", content=xlsx([["profile", "rate"], ["x", 1]]))
    assert not outcome.ok
    assert "name, care_type, valid_from" in outcome.errors[0].message


def test_bed_day_rate_csv(db):
    content = ("profile,name,care_type,rate,valid_from,valid_to\n"
               "child_rehabilitation,Детская реабилитация,rehabilitation,41250.00,2026-01-01,\n")
    outcome = tariff_import(kind="bed_day", content=content.encode(), file_format="csv")
    assert outcome.ok, outcome.errors
    assert bed_day_rate_on(profile="child_rehabilitation", on=JAN_2026).rate == Decimal("41250.00")
    assert bed_day_rate_on(profile="child_rehabilitation", on=JAN_2025) is None


@pytest.fixture
def phc_tariffs(db):
    almaty = region("750000000")
    TariffPhcNorm.objects.create(amount=Decimal("1250.40"), valid_from=JAN_2026)
    TariffPhcCoefficient.objects.create(kind="density", region=almaty, value=Decimal("1.0500"),
                                        valid_from=JAN_2026)
    TariffPhcCoefficient.objects.create(kind="age_sex", age_from=0, age_to=4, sex="",
                                        value=Decimal("2.1000"), valid_from=JAN_2026)
    TariffPhcCoefficient.objects.create(kind="age_sex", age_from=15, age_to=49, sex="F",
                                        value=Decimal("1.3000"), valid_from=JAN_2026)
    TariffPhcCoefficient.objects.create(kind="age_sex", age_from=15, age_to=49, sex="",
                                        value=Decimal("0.8000"), valid_from=JAN_2026)
    return almaty


def test_phc_capitation_applies_density_and_age_sex(phc_tariffs):
    on = datetime.date(2026, 3, 1)
    # 1250.40 × 1.05 × 2.1 = 2757.132 → 2757.13
    assert phc_capitation(on=on, region=phc_tariffs, age=2, sex="M") == Decimal("2757.13")
    # a woman of 30: the female row wins over the both-sexes row: 1250.40 × 1.05 × 1.3
    assert phc_capitation(on=on, region=phc_tariffs, age=30, sex="F") == Decimal("1706.80")
    assert phc_capitation(on=on, region=phc_tariffs, age=30, sex="M") == Decimal("1050.34")
    # no coefficient for age 60 → 1; another region has no density coefficient → 1
    assert phc_capitation(on=on, region=region("710000000"), age=60, sex="M") == \
        Decimal("1250.40")
    assert phc_capitation(on=JAN_2025, region=phc_tariffs, age=2, sex="M") is None


def test_coefficient_row_must_say_its_group(db):
    from django.core.exceptions import ValidationError

    row = TariffPhcCoefficient(kind="age_sex", value=Decimal("1.1"), valid_from=JAN_2026)
    with pytest.raises(ValidationError):
        row.full_clean()
    care = CareType.objects.get(code="consultative_diagnostic")
    price = TariffServicePrice(code="X", name="x", care_type=care, price=Decimal("0"),
                               valid_from=JAN_2026)
    with pytest.raises(ValidationError):
        price.full_clean()


def test_import_tariffs_command(db, tmp_path):
    from django.core.management import CommandError, call_command

    good = tmp_path / "prices.csv"
    good.write_text("code,name,care_type,price,valid_from,valid_to\n"
                    "B03.016.002,Общий анализ крови,consultative_diagnostic,1450,2026-01-01,\n",
                    encoding="utf-8")
    call_command("import_tariffs", "service_price", str(good), "--dry-run")
    assert not TariffServicePrice.objects.exists()
    call_command("import_tariffs", "service_price", str(good))
    assert service_price_on(code="B03.016.002", on=JAN_2026).price == Decimal("1450")
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,care_type,price,valid_from,valid_to\n"
                   "X,Y,spa,1,2026-01-01,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="1 errors"):
        call_command("import_tariffs", "service_price", str(bad))


def test_admin_import_queues_a_background_run(client, hq_operator,
                                              django_capture_on_commit_callbacks):
    """Issue 17.5: the Import button keeps the file and the worker loads it set-based."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from packages.models import TariffImportRun

    content = ("code;name;care_type;price;valid_from;valid_to\n"
               "A01.001;Приём терапевта;consultative_diagnostic;3500;2026-01-01;2026-06-30\n"
               "A01.001;Приём терапевта;consultative_diagnostic;3700;2026-07-01;\n")
    client.force_login(hq_operator)

    def post(text, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/admin/packages/tariffserviceprice/import/", {
                "file": SimpleUploadedFile("prices.csv", text.encode("cp1251")), **extra})

    response = post(content, dry_run="on")
    run = TariffImportRun.objects.get()
    assert response["Location"] == f"/admin/packages/tariffimportrun/{run.pk}/change/"
    run.refresh_from_db()
    assert (run.status, run.inserted, run.dry_run) == ("done", 2, True)
    assert not TariffServicePrice.objects.exists()
    post(content)
    assert service_price_on(code="A01.001", on=datetime.date(2026, 8, 1)).price == 3700
    post(content.replace("3700", "3750"))
    run = TariffImportRun.objects.latest("pk")
    assert (run.inserted, run.updated, run.unchanged) == (0, 1, 1)
    changed = TariffServicePrice.objects.get(valid_from=datetime.date(2026, 7, 1))
    assert [h.history_type for h in changed.history.order_by("history_id")] == ["+", "~"]
    assert changed.history.latest("history_id").history_user == hq_operator
    post("code,name,care_type,price,valid_from,valid_to\n"
         "A01.001,Приём,consultative_diagnostic,3800,2026-03-01,\n")
    run = TariffImportRun.objects.latest("pk")
    assert run.status == "failed" and "nothing was saved" in run.error
    assert run.rejects.get().reason == (
        "Overlaps the stored rate of the same key valid from 2026-01-01")
    assert TariffServicePrice.objects.count() == 2
    page = client.get(f"/admin/packages/tariffimportrun/{run.pk}/change/").content.decode()
    assert "Overlaps the stored rate" in page
