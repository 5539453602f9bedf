"""Re-running a period replaces its results atomically and keeps the operators' work."""

from decimal import Decimal

import pytest

from reconciliation import reconcile_sql, services
from reconciliation.models import (
    Discrepancy,
    DiscrepancyEvent,
    ReconciliationRule,
    ReconciliationRun,
)
from reconciliation.reconcile import ReconciliationError, reconcile_period

from .helpers import D121, D122, JAN, pay


def test_a_rerun_keeps_status_assignee_and_notes_and_refreshes_amounts(month, hq_operator):
    reconcile_period(period=JAN)
    p = month["p"]
    underpaid = Discrepancy.objects.get(iin=p[4].iin, type="underpaid")
    services.discrepancy_set_status(discrepancy=underpaid, status="notified",
                                    acting_user=hq_operator)
    services.discrepancy_assign(discrepancy=underpaid, assignee=hq_operator,
                                acting_user=hq_operator)
    services.discrepancy_add_note(discrepancy=underpaid, note="Called the accountant",
                                  acting_user=hq_operator)
    pay(p[4], month["employer"], JAN, D121, "3000")  # pays part of the 5 000 owed
    run = reconcile_period(period=JAN)
    again = Discrepancy.objects.get(iin=p[4].iin, type="underpaid")
    assert again.pk == underpaid.pk
    assert (again.status, again.assignee, again.amount) == ("notified", hq_operator,
                                                            Decimal("2000.00"))
    assert again.paid_amount == Decimal("13000.00")
    assert "Called the accountant" in again.notes
    assert again.first_run_id != again.last_run_id == run.pk
    assert (run.new, run.cleared, run.found) == (0, 0, 11)


def test_a_discrepancy_no_longer_found_is_removed_and_its_work_traced(month, hq_operator):
    reconcile_period(period=JAN)
    p = month["p"]
    unpaid = Discrepancy.objects.get(iin=p[3].iin, type="declared_not_paid")
    services.discrepancy_set_status(discrepancy=unpaid, status="notified",
                                    acting_user=hq_operator)
    events_before = DiscrepancyEvent.objects.filter(discrepancy=unpaid).count()
    pay(p[3], month["employer"], JAN, D121, "12000")
    run = reconcile_period(period=JAN)
    assert not Discrepancy.objects.filter(pk=unpaid.pk).exists()
    assert run.cleared == 1 and run.found == 10
    cleared = DiscrepancyEvent.objects.get(action="cleared")
    assert cleared.natural_key == f"2026-01/{month['employer'].bin}/{p[3].iin}/{D121}/" \
                                  "declared_not_paid"
    assert (cleared.old_value, cleared.run) == ("notified", run)
    # The earlier history survives, detached from the removed row.
    assert DiscrepancyEvent.objects.filter(
        natural_key=cleared.natural_key).count() == events_before + 1


def test_a_new_problem_appears_as_new(month):
    reconcile_period(period=JAN)
    p = month["p"]
    pay(p[1], month["employer"], JAN, D122, "100")
    run = reconcile_period(period=JAN)
    assert run.new == 1
    assert Discrepancy.objects.get(iin=p[1].iin).type == "overpaid"


def test_a_failed_run_leaves_the_previous_results(month, monkeypatch):
    first = reconcile_period(period=JAN)
    before = set(Discrepancy.objects.values_list("pk", "amount", "last_run"))
    monkeypatch.setattr(reconcile_sql, "insert_new_sql", lambda: "INSERT INTO nowhere VALUES (1)")
    pay(month["p"][1], month["employer"], JAN, D122, "100")
    with pytest.raises(Exception):  # noqa: B017 - any database error
        reconcile_period(period=JAN)
    assert set(Discrepancy.objects.values_list("pk", "amount", "last_run")) == before
    failed = ReconciliationRun.objects.exclude(pk=first.pk).get()
    assert failed.status == "failed" and "nowhere" in failed.error


def test_the_tolerance_is_a_dated_rule(month):
    ReconciliationRule.objects.create(valid_from=JAN, tolerance=Decimal("600.00"),
                                      other_period_window=12)
    run = reconcile_period(period=JAN)
    assert run.tolerance == Decimal("600.00")
    types = set(Discrepancy.objects.values_list("iin", "type"))
    assert (month["p"][5].iin, "overpaid") not in types  # 500 ₸ is within 600
    assert (month["p"][4].iin, "underpaid") in types  # 5 000 ₸ is not


def test_no_rule_in_force_is_a_clear_error(db):
    import datetime

    ReconciliationRule.objects.all().delete()
    with pytest.raises(ReconciliationError, match="No reconciliation rule"):
        reconcile_period(period=datetime.date(2026, 1, 1))


def test_counts_by_type_on_the_run(month):
    run = reconcile_period(period=JAN)
    assert run.by_type == {
        "cross_tax": 1, "declared_not_paid": 1, "overpaid": 1, "paid_not_declared": 2,
        "paid_other_period": 1, "rate_misapplied": 3, "underpaid": 1, "unknown_iin": 1,
    }
    assert D122 in set(Discrepancy.objects.values_list("kind", flat=True))
