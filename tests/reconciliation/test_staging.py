"""A run reads the month's employer payments once (``reconciliation.staging``): into a table
of its own when it opens, up to its settled payment watermark, shared by its chunks,
staged again when crash recovery emptied it, dropped when the run closes or fails."""

import pytest
from django.db import connection

from reconciliation import reconcile, staging
from reconciliation.models import Discrepancy
from reconciliation.reconcile import reconcile_period

from .helpers import D121, JAN, pay
from .test_incremental import _discrepancies, _summary

pytestmark = pytest.mark.django_db

# The January deductions and contributions the ``month`` fixture posts (a reversal counts).
JANUARY_EMPLOYER_PAYMENTS = 25


def _table_exists(run):
    return staging.paid_table(run) in connection.introspection.table_names()


def _staged(run):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), SUM(t121), SUM(t122) FROM {staging.paid_table(run)}")
        return cursor.fetchone()


def test_a_run_stages_the_months_employer_payments_once_and_drops_them_when_closed(month):
    run = reconcile.run_open(period=JAN, chunk_size=1)
    assert run.chunks_total == 2
    assert run.paid_rows == JANUARY_EMPLOYER_PAYMENTS
    # in tiyn: 194 499.50 ₸ of deductions (a reversal included, the December deduction
    # of person 7 not) and 107 500 ₸ of contributions
    assert _staged(run) == (25, 19_449_950, 10_750_000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT relpersistence FROM pg_class WHERE relname = %s",
                           [staging.paid_table(run)])
            assert cursor.fetchone() == ("u",)  # unlogged: nothing to replicate or replay
    done = reconcile.drain(run)
    assert done.status == "done" and done.found == 11
    assert not _table_exists(run)


def test_payments_posted_after_the_run_opened_are_the_next_runs(month):
    unpaid = month["p"][3]  # deductions declared, not paid
    run = reconcile.run_open(period=JAN)
    late = pay(unpaid, month["employer"], JAN, D121, "12000")
    assert late.pk > run.payment_watermark
    assert reconcile.drain(run).by_type["declared_not_paid"] == 1
    assert Discrepancy.objects.filter(iin=unpaid.iin, type="declared_not_paid").exists()
    again = reconcile_period(period=JAN)
    assert "declared_not_paid" not in again.by_type and again.cleared == 1


def test_a_table_emptied_by_crash_recovery_is_staged_again_by_the_next_chunk(month):
    one = reconcile_period(period=JAN)
    state = (_summary(), _discrepancies())
    run = reconcile.run_open(period=JAN, chunk_size=1)
    assert reconcile.process_next_chunk(run)
    with connection.cursor() as cursor:  # what crash recovery does to an unlogged table
        cursor.execute(f"DELETE FROM {staging.paid_table(run)}")
    run = reconcile.drain(run)
    assert not _table_exists(run)  # closed: dropped
    assert (run.found, run.new, run.cleared, run.by_type) == (one.found, 0, 0, one.by_type)
    assert (_summary(), _discrepancies()) == state


def test_a_superseded_run_drops_its_table(month):
    half = reconcile.run_open(period=JAN, chunk_size=1)
    assert reconcile.process_next_chunk(half)
    assert _table_exists(half)
    again = reconcile_period(period=JAN)
    half.refresh_from_db()
    assert half.status == "failed" and not _table_exists(half)
    assert again.status == "done" and not _table_exists(again)


def test_a_run_of_listed_employers_stages_their_payments_only(month):
    reconcile_period(period=JAN)
    run = reconcile.run_open(period=JAN, employers=[month["astana"].bin])
    assert run.employers == [month["astana"].bin]
    assert run.paid_rows == 2 and _staged(run) == (2, 450_000, 300_000)
    assert reconcile.drain(run).found == 0
