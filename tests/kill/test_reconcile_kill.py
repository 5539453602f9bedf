"""SIGKILL of the reconciliation of a month mid-run; the next run ends exactly as an
uninterrupted one (discrepancies with their workflow, events, collections, run totals)."""

from decimal import Decimal

import pytest
from django.db import connections

from reconciliation.models import Discrepancy, ReconciliationRun
from reconciliation.reconcile import reconcile_period
from tests.reconciliation.conftest import month  # noqa: F401  (the planted January)
from tests.reconciliation.helpers import D121, JAN, pay

from .helpers import (
    connect,
    database_name,
    finish,
    kill_and_reap,
    rows,
    sessions_waiting_on_a_lock,
    start,
    twin_database,
    wait_for,
)

pytestmark = [pytest.mark.postgresql,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DISCREPANCIES = ("SELECT period, employer_bin, iin, kind, type, person_id, employer_id, "
                 "region_id, income, declared_amount, paid_amount, expected_amount, amount, "
                 "other_period, status, notes FROM reconciliation_discrepancy")
EVENTS = ("SELECT natural_key, action, old_value, new_value, note "
          "FROM reconciliation_discrepancyevent")
COLLECTIONS = ("SELECT period, region_id, payer_type, expected, declared, collected, persons "
               "FROM reconciliation_collectionsummary")
LAST_RUN = ("SELECT period, status, declarations, payments, found, new, cleared, "
            "by_type::text FROM reconciliation_reconciliationrun WHERE status = 'done' "
            "ORDER BY id DESC LIMIT 1")


def test_a_killed_reconciliation_runs_again_to_the_uninterrupted_result(month):  # noqa: F811
    p, employer = month["p"], month["employer"]
    reconcile_period(period=JAN)
    # an operator works on two findings; then late payments arrive
    Discrepancy.objects.filter(iin=p[3].iin).update(status="notified", notes="письмо 14/02")
    Discrepancy.objects.filter(iin=p[9].iin).update(notes="проверить ставку")
    pay(p[3], employer, JAN, D121, "12000")    # declared, not paid → cleared
    pay(p[4], employer, JAN, D121, "4000")     # underpaid by 5 000 → by 1 000
    pay(p[1], employer, JAN, D121, "300")      # clean → overpaid
    found_again = Discrepancy.objects.get(iin=p[9].iin, type="rate_misapplied")

    with twin_database() as twin:
        uninterrupted = start(twin, "reconcile", "--period", "2026-01")
        name = database_name()
        with connect(name, autocommit=True) as observer, connect(name) as holder:
            # the job refreshes this finding once it has computed the month: it waits there
            holder.execute("SELECT 1 FROM reconciliation_discrepancy WHERE id = %s FOR UPDATE",
                           [found_again.pk])
            job = start(name, "reconcile", "--period", "2026-01")
            try:
                def midway():
                    running = observer.execute(
                        "SELECT id FROM reconciliation_reconciliationrun WHERE status = "
                        "'running' AND period = %s", [JAN]).fetchone()
                    return running if running and sessions_waiting_on_a_lock(
                        observer, name) else None

                (killed_run,) = wait_for(midway, what="the run to be mid-way", process=job)
                kill_and_reap(job, observer, name, holder)
            finally:
                if job.poll() is None:
                    job.kill()
        connections.close_all()
        # the killed run left its record running and nothing else: the month is as before
        assert ReconciliationRun.objects.get(pk=killed_run).status == "running"
        assert Discrepancy.objects.get(pk=found_again.pk).last_run_id != killed_run
        assert Discrepancy.objects.filter(iin=p[3].iin).exists()

        again = reconcile_period(period=JAN)  # run again
        finish(uninterrupted)
        assert again.status == ReconciliationRun.Status.DONE
        connections.close_all()
        assert rows(name, LAST_RUN) == rows(twin, LAST_RUN)
        assert rows(name, DISCREPANCIES) == rows(twin, DISCREPANCIES)
        assert rows(name, EVENTS) == rows(twin, EVENTS)
        assert rows(name, COLLECTIONS) == rows(twin, COLLECTIONS)
        # and that result is the month's truth: p3 cleared (its worked-on state kept in the
        # event), p4 underpaid by 1 000 now, p9's note kept, p1 overpaid by 300
        assert not Discrepancy.objects.filter(iin=p[3].iin).exists()
        assert [(e[1], e[2], e[4]) for e in rows(name, EVENTS) if p[3].iin in e[0]] == [
            ("cleared", "notified", "письмо 14/02")]
        assert Discrepancy.objects.get(iin=p[4].iin, type="underpaid").amount == Decimal("1000")
        assert Discrepancy.objects.get(pk=found_again.pk).notes == "проверить ставку"
        assert Discrepancy.objects.get(iin=p[1].iin).type == "overpaid"
