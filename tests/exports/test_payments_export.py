"""A payments list filtered to one region and month: money and dates typed, sheets split."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from osms.exports.models import ExportJob
from osms.exports.services import export_request
from payers.models import Payment, PaymentKind
from tests.factories import PersonFactory

from .conftest import read_xlsx, read_xlsx_cells
from .payments_admin import site

JANUARY = datetime.date(2026, 1, 1)
FEBRUARY = datetime.date(2026, 2, 1)
JANUARY_FILTER = "period__gte=2026-01-01&period__lt=2026-02-01"


def _payments(person, period, amounts):
    return [
        Payment(
            person=person, iin=person.iin, payer_code="150340000019", period=period,
            kind=PaymentKind.SELF_PAYER, knp="122", amount=Decimal(amount),
            paid_on=period + datetime.timedelta(days=24), document_no=f"{person.iin}-{period:%m}-{i}",
        )
        for i, amount in enumerate(amounts)
    ]


@pytest.fixture
def ledger(almaty, astana):
    almaty_person = PersonFactory(region=almaty)
    astana_person = PersonFactory(region=astana)
    Payment.objects.bulk_create(
        _payments(almaty_person, JANUARY, ["4250.00", "36000.00", "102000.00"])
        + _payments(almaty_person, FEBRUARY, ["4250.00"])
        + _payments(astana_person, JANUARY, ["5950.00", "4250.00"])
    )
    return almaty_person, astana_person


def _may_view_payments(user):
    user.user_permissions.add(Permission.objects.get(codename="view_payment"))
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


def _export(user, querystring, file_format="xlsx"):
    return export_request(
        acting_user=_may_view_payments(user), model_admin=site._registry[Payment],
        querystring=querystring, file_format=file_format,
    )


def test_one_region_and_month_gives_exactly_those_payments(analyst, almaty, ledger, export_media):
    almaty_person, _astana = ledger
    job = _export(analyst, f"person__region__id__exact={almaty.pk}&{JANUARY_FILTER}")
    assert (job.status, job.rows_done) == (ExportJob.Status.DONE, 3)
    expected = Payment.objects.filter(person__region=almaty, period=JANUARY).count()
    rows = next(iter(read_xlsx(export_media / job.file.name).values()))
    assert len(rows) - 1 == expected == 3
    assert {row[0] for row in rows[1:]} == {almaty_person.iin}
    # Money comes back as numbers: the column sums to the tenge.
    assert sum(Decimal(str(row[4])) for row in rows[1:]) == Decimal("142250.00")


def test_money_period_and_timestamps_are_typed_cells(analyst, almaty, ledger, export_media):
    job = _export(analyst, f"person__region__id__exact={almaty.pk}&{JANUARY_FILTER}&o=4")
    cells = read_xlsx_cells(export_media / job.file.name)
    _iin, _person, period, _kind, amount, paid_on, posted_at = cells[1]
    assert (amount[0], amount[1], amount[2]) == (4250, "#,##0.00", "n")
    assert period[0] == datetime.datetime(2026, 1, 1) and period[1] == "mm-dd-yy"
    assert paid_on[0] == datetime.datetime(2026, 1, 25)
    assert isinstance(posted_at[0], datetime.datetime) and posted_at[1] == "m/d/yy h:mm"


def test_regional_analyst_gets_only_their_region_whatever_the_filter(
    almaty_analyst, astana, ledger, export_media
):
    almaty_person, _astana = ledger
    job = _export(almaty_analyst, JANUARY_FILTER)
    rows = next(iter(read_xlsx(export_media / job.file.name).values()))[1:]
    assert len(rows) == 3 and {row[0] for row in rows} == {almaty_person.iin}
    other = _export(almaty_analyst, f"person__region__id__exact={astana.pk}")
    assert other.rows_done == 0


def test_sheets_split_at_the_row_limit_with_the_header_repeated(
    analyst, ledger, settings, export_media
):
    settings.EXPORTS_XLSX_MAX_ROWS_PER_SHEET = 3  # header + 2 rows per sheet
    job = _export(analyst, "o=-4")  # 6 payments, by amount descending (no checkbox column: no actions)
    assert (job.rows_done, job.sheets) == (6, 3)
    sheets = read_xlsx(export_media / job.file.name)
    assert list(sheets) == ["payments", "payments 2", "payments 3"]
    assert all(len(rows) == 3 and rows[0][0] == "IIN paid for" for rows in sheets.values())
    amounts = [row[4] for rows in sheets.values() for row in rows[1:]]
    assert amounts == [102000, 36000, 5950, 4250, 4250, 4250]


def test_csv_money_is_exact_text(analyst, almaty, ledger, export_media):
    job = _export(analyst, f"person__region__id__exact={almaty.pk}&o=4", file_format="csv")
    lines = (export_media / job.file.name).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].split(",")[4] == "amount"
    assert sorted(line.split(",")[4] for line in lines[1:]) == [
        "102000.00", "36000.00", "4250.00", "4250.00"]
