"""A payment file in many chunks: same results, line numbers and guarantees as in one.

The chunk size and the CSV block size are made tiny so a dozen rows span several
chunks. The PostgreSQL tests with a real commit run the preparation on a second
connection in the background (the production path); the others prepare inline.
"""

from decimal import Decimal

import pytest
from django.db import connection

from payers.imports import payment_import, readers
from payers.imports.preparing import PREFIX
from payers.models import ImportRun, Payment, PaymentReject, SuspensePayment
from tests.factories import PersonFactory

from .test_payment_import import EMPLOYER, SAMPLES, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tiny_chunks(settings, monkeypatch):
    settings.PAYMENTS_IMPORT_CHUNK_ROWS = 2
    monkeypatch.setattr(readers, "BLOCK", 64)  # about one CSV line per block


def row(person, document_no, *, amount="9000.00", knp="121", period="092026"):
    return [EMPLOYER, person.iin, "Ахметова", "Айгерим", period, knp, amount, "2026-10-12",
            document_no]


def test_rejects_keep_their_file_line_numbers_across_chunks(tmp_path):
    person = PersonFactory(iin="871008401427")
    rows = [row(person, "PP-1"), row(person, "PP-2", amount="-1"), row(person, "PP-3"),
            row(person, "PP-4", knp="999"), row(person, "PP-5"), row(person, "PP-6",
                                                                   period="132026")]
    run = payment_import(path=write_csv(tmp_path, rows))
    assert run.status == ImportRun.Status.DONE, run.error
    assert (run.rows_total, run.loaded, run.rejected) == (6, 3, 3)
    assert dict(PaymentReject.objects.values_list("line_no", "reason")) == {
        3: "amount_negative", 5: "knp", 7: "period_format"}


def test_a_row_repeated_in_a_later_chunk_is_posted_once(tmp_path):
    person = PersonFactory()
    rows = [row(person, "PP-1"), row(person, "PP-2"), row(person, "PP-3"), row(person, "PP-1"),
            row(person, "PP-2", knp="122", amount="6000.00")]
    run = payment_import(path=write_csv(tmp_path, rows))
    assert (run.loaded, run.duplicates) == (4, 1)
    assert sorted(Payment.objects.values_list("document_no", "knp")) == [
        ("PP-1", "121"), ("PP-2", "121"), ("PP-2", "122"), ("PP-3", "121")]


def test_a_rejected_row_does_not_hide_a_valid_one_with_the_same_key(tmp_path):
    person = PersonFactory()
    rows = [row(person, "PP-1", amount="abc"), row(person, "PP-1", amount="100.50")]
    settings_rows = payment_import(path=write_csv(tmp_path, rows))
    assert (settings_rows.loaded, settings_rows.rejected) == (1, 1)
    assert Payment.objects.get().amount == Decimal("100.50")


def test_a_broken_line_in_the_last_chunk_posts_nothing_of_the_earlier_ones(tmp_path):
    person = PersonFactory()
    rows = [row(person, f"PP-{n}") for n in range(6)] + [row(person, "PP-9")[:4]]
    run = payment_import(path=write_csv(tmp_path, rows))
    assert run.status == ImportRun.Status.FAILED
    assert "Line 8" in run.error
    assert not Payment.objects.exists() and not PaymentReject.objects.exists()


def prepared_tables():
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relname LIKE %s",
                       [PREFIX.replace("_", "\\_") + "%"])
        return [name for (name,) in cursor.fetchall()]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_background_preparation_gives_the_same_ledger_and_is_idempotent(tmp_path):
    from .test_payment_import import sample_rows

    iins = list(dict.fromkeys(r["iin"] for r in sample_rows()))
    for iin in iins[:-1]:
        PersonFactory(iin=iin)
    first = payment_import(path=str(SAMPLES / "payments_sample.csv"))
    assert first.status == ImportRun.Status.DONE, first.error
    assert (first.rows_total, first.loaded, first.suspense, first.rejected) == (30, 29, 1, 0)
    assert sum(Payment.objects.values_list("amount", flat=True)) == Decimal("558350.00")
    second = payment_import(path=str(SAMPLES / "payments_sample.csv"))
    assert (second.loaded, second.duplicates) == (0, 30)
    assert Payment.objects.count() == 29 and SuspensePayment.objects.count() == 1
    assert prepared_tables() == []


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_background_preparation_failure_posts_nothing_and_leaves_no_tables(tmp_path):
    person = PersonFactory()
    with connection.cursor() as cursor:  # what a run killed mid-way leaves behind
        cursor.execute(f"CREATE UNLOGGED TABLE {PREFIX}999_0 (x int)")
    rows = [row(person, f"PP-{n}") for n in range(6)] + [["only", "three", "fields"]]
    run = payment_import(path=write_csv(tmp_path, rows))
    assert run.status == ImportRun.Status.FAILED and "Line 8" in run.error
    assert not Payment.objects.exists()
    assert prepared_tables() == []
    good = payment_import(path=write_csv(tmp_path, rows[:-1]))
    assert (good.status, good.loaded) == (ImportRun.Status.DONE, 6)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_background_preparers_post_in_file_order_so_the_first_line_wins(tmp_path, settings):
    settings.PAYMENTS_IMPORT_PREPARERS = 3
    person = PersonFactory()
    rows = [row(person, f"PP-{n}", amount=f"{100 + n}.00") for n in range(9)]
    rows.append(row(person, "PP-0", amount="999.00"))  # line 11, a later chunk
    run = payment_import(path=write_csv(tmp_path, rows))
    assert (run.loaded, run.duplicates) == (9, 1)
    assert Payment.objects.get(document_no="PP-0").amount == Decimal("100.00")
    ids = list(Payment.objects.order_by("id").values_list("document_no", flat=True))
    assert ids == [f"PP-{n}" for n in range(9)]  # chunks posted in file order
