"""Payment file import: idempotent, per-row rejects with reasons, suspense, never half."""

import csv
import datetime
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from payers.imports import payment_import
from payers.models import ImportRun, Payment, PaymentReject, SuspensePayment
from tests.factories import ActivityFactory, PersonFactory

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "payers" / "samples"
HEADER = ["payer_id", "iin", "last_name", "first_name", "period", "knp", "amount", "paid_on",
          "document_no"]
EMPLOYER = "120540000011"


def sample_rows():
    with open(SAMPLES / "payments_sample.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def registry():
    """Every person of the sample file except the last one (who goes to suspense)."""
    iins = list(dict.fromkeys(row["iin"] for row in sample_rows()))
    persons = {iin: PersonFactory(iin=iin) for iin in iins[:-1]}
    return persons, iins[-1]


def write_csv(tmp_path, rows, header=HEADER, delimiter=","):
    path = tmp_path / "orders.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def ledger():
    return sorted(Payment.objects.values_list("iin", "period", "knp", "amount", "document_no"))


def test_sample_file_twice_leaves_the_ledger_unchanged_the_second_time(registry):
    _persons, unknown = registry
    first = payment_import(path=str(SAMPLES / "payments_sample.csv"))
    assert first.status == ImportRun.Status.DONE, first.error
    assert (first.rows_total, first.loaded, first.suspense, first.rejected) == (30, 29, 1, 0)
    assert SuspensePayment.objects.get().iin == unknown
    assert first.payments_posted().count() == 29
    before = ledger()
    expected = sum(Decimal(r["amount"]) for r in sample_rows() if r["iin"] != unknown)
    assert sum(Payment.objects.values_list("amount", flat=True)) == expected == Decimal(
        "558350.00")

    second = payment_import(path=str(SAMPLES / "payments_sample.csv"))
    assert second.status == ImportRun.Status.DONE
    assert (second.loaded, second.duplicates, second.suspense) == (0, 30, 0)
    assert ledger() == before
    assert SuspensePayment.objects.count() == 1
    assert second.checksum == first.checksum


def test_xlsx_sample_carries_the_same_payments_as_the_csv(registry):
    payment_import(path=str(SAMPLES / "payments_sample.xlsx"))
    from_xlsx = ledger()
    assert len(from_xlsx) == 29
    run = payment_import(path=str(SAMPLES / "payments_sample.csv"))
    assert (run.loaded, run.duplicates) == (0, 30)
    assert ledger() == from_xlsx


def test_one_bad_row_of_each_kind_is_reported_and_the_rest_loaded(tmp_path):
    person = PersonFactory(iin="871008401427")
    good = [EMPLOYER, person.iin, "Ахметова", "Айгерим", "092026", "121", "9000.00",
            "2026-10-12", "PP-1"]

    def bad(**changes):
        row = dict(zip(HEADER, good, strict=True))
        row.update(changes)
        return [row[c] for c in HEADER]

    rows = [
        good,
        bad(iin="871008401428", document_no="PP-2"),          # line 3: check digit
        bad(amount="-9000.00", document_no="PP-3"),           # line 4
        bad(period="122099", document_no="PP-4"),             # line 5: future
        bad(knp="999", document_no="PP-5"),                   # line 6
        bad(period="132026", document_no="PP-6"),             # line 7
        bad(amount="12,5", document_no="PP-7"),               # line 8
        bad(paid_on="2026-02-30", document_no="PP-8"),        # line 9
        bad(payer_id="120540000012", document_no="PP-9"),     # line 10: payer check digit
        bad(document_no=""),                                  # line 11
        bad(amount="0", document_no="PP-11"),                 # line 12
        bad(period="012016", document_no="PP-12"),            # line 13: before ОСМС
        bad(knp="122", amount="6000.00"),                     # line 14: good
    ]
    run = payment_import(path=write_csv(tmp_path, rows))
    assert run.status == ImportRun.Status.DONE, run.error
    assert (run.loaded, run.rejected, run.suspense) == (2, 11, 0)
    reasons = dict(PaymentReject.objects.filter(import_run=run)
                   .values_list("line_no", "reason"))
    assert reasons == {
        3: "iin", 4: "amount_negative", 5: "period_future", 6: "knp", 7: "period_format",
        8: "amount_format", 9: "paid_on_format", 10: "payer_id", 11: "document_no",
        12: "amount_zero", 13: "period_early",
    }
    assert PaymentReject.objects.get(import_run=run, line_no=4).field == "amount"
    assert Payment.objects.filter(person=person).count() == 2


def test_a_broken_line_rejects_the_whole_file_and_posts_nothing(tmp_path):
    person = PersonFactory()
    row = [EMPLOYER, person.iin, "А", "Б", "092026", "121", "100.00", "2026-10-12", "PP-1"]
    path = write_csv(tmp_path, [row, row[:5]])
    run = payment_import(path=path)
    assert run.status == ImportRun.Status.FAILED
    assert "Line 3" in run.error
    assert Payment.objects.count() == 0


def test_missing_column_is_named(tmp_path):
    run = payment_import(path=write_csv(tmp_path, [], header=HEADER[:-1]))
    assert run.status == ImportRun.Status.FAILED
    assert "document_no" in run.error and "Line 1" in run.error


def test_columns_in_any_order_and_semicolons(tmp_path):
    person = PersonFactory()
    header = list(reversed(HEADER))
    row = list(reversed([EMPLOYER, person.iin, "А", "Б", "092026", "121", "100.50",
                         "2026-10-12", "PP-1"]))
    run = payment_import(path=write_csv(tmp_path, [row], header=header, delimiter=";"))
    assert run.loaded == 1, run.error
    assert Payment.objects.get().amount == Decimal("100.50")


def test_kind_of_a_122_paid_for_oneself(tmp_path):
    entrepreneur = ActivityFactory(started_on=datetime.date(2024, 1, 1)).person
    self_payer = PersonFactory()
    employee = PersonFactory()
    rows = [
        [entrepreneur.iin, entrepreneur.iin, "", "", "102026", "122", "5950", "2026-11-05", "A"],
        [self_payer.iin, self_payer.iin, "", "", "102026", "122", "4250", "2026-11-05", "B"],
        [EMPLOYER, employee.iin, "", "", "102026", "122", "6000", "2026-11-05", "C"],
    ]
    payment_import(path=write_csv(tmp_path, rows))
    kinds = dict(Payment.objects.values_list("document_no", "kind"))
    assert kinds == {"A": "self_employed", "B": "self_payer", "C": "employee_contribution"}


def test_self_payer_may_prepay_twelve_months_but_employers_not(tmp_path):
    person = PersonFactory()
    today = datetime.date.today()
    ahead = (today.replace(day=1) + datetime.timedelta(days=32 * 6)).replace(day=1)
    period = f"{ahead:%m%Y}"
    rows = [
        [person.iin, person.iin, "", "", period, "122", "4250", today.isoformat(), "SP-1"],
        [EMPLOYER, person.iin, "", "", period, "121", "9000", today.isoformat(), "PP-1"],
    ]
    run = payment_import(path=write_csv(tmp_path, rows))
    assert (run.loaded, run.rejected) == (1, 1)
    assert PaymentReject.objects.get().reason == "period_future"


def test_same_document_numbers_in_another_file_change_nothing(tmp_path, registry):
    payment_import(path=str(SAMPLES / "payments_sample.csv"))
    before = ledger()
    copy = tmp_path / "renamed.csv"
    shutil.copy(SAMPLES / "payments_sample.csv", copy)
    with open(copy, "a", encoding="utf-8") as handle:
        handle.write("\n")  # a different file (checksum) with the same rows
    run = payment_import(path=str(copy))
    assert run.loaded == 0 and ledger() == before


def test_management_command_reports_counts_and_fails_cleanly(tmp_path, registry, capsys):
    call_command("import_payments", str(SAMPLES / "payments_sample.csv"))
    assert "29 loaded" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Line 1"):
        call_command("import_payments", write_csv(tmp_path, [], header=["x"]))


def test_a_row_repeated_within_the_file_is_posted_once_the_first_line_wins(tmp_path):
    person = PersonFactory()
    first = [EMPLOYER, person.iin, "А", "Б", "092026", "121", "100.00", "2026-10-12", "PP-1"]
    again = first[:6] + ["200.00"] + first[7:]
    other = first[:5] + ["122", "50.00"] + first[7:]
    run = payment_import(path=write_csv(tmp_path, [first, other, again]))
    assert (run.loaded, run.duplicates) == (2, 1)
    assert sorted(Payment.objects.values_list("knp", "amount")) == [
        ("121", Decimal("100.00")), ("122", Decimal("50.00"))]
