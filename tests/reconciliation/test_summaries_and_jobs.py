"""Collections against expectations, the dashboard, the scheduled jobs and the commands."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from reconciliation import dashboard, jobs, selectors
from reconciliation.models import CollectionSummary, ReconciliationRun
from reconciliation.reconcile import reconcile_period
from reconciliation.tasks import reconcile_late_data_task, reconcile_period_task

from .helpers import D121, D122, DEC, JAN, pay


def _row(kato, kind):
    return CollectionSummary.objects.get(period=JAN, region__kato=kato, payer_type=kind)


def test_collections_against_expected_by_region_and_payer_type(month):
    reconcile_period(period=JAN)
    almaty = _row("750000000", D121)
    assert almaty.expected == Decimal("249000.00")  # 3 % of each declared income, capped
    assert almaty.declared == Decimal("211500.00")
    # Paid for January: the declared lines' 186 999.50 and 3 000 paid without a line.
    assert almaty.collected == Decimal("189999.50")
    assert almaty.persons == 10
    assert almaty.gap == Decimal("59000.50")
    assert _row("750000000", D122).expected == Decimal("126000.00")
    astana = _row("710000000", D121)
    assert (astana.expected, astana.declared, astana.collected, astana.persons) == (
        Decimal("4500.00"), Decimal("4500.00"), Decimal("4500.00"), 1)


def test_other_payer_types_are_collected_by_the_persons_region(month):
    person = month["p"][1]
    pay_self = {"kind": "self_payer", "knp": "123"}
    from payers.models import Payment

    Payment.objects.create(person=person, iin=person.iin, payer_code=person.iin, period=JAN,
                           amount=Decimal("4250.00"), paid_on=JAN, document_no="SP-1",
                           **pay_self)
    reconcile_period(period=JAN)
    row = _row("750000000", "self_payer")
    assert (row.collected, row.expected, row.persons) == (Decimal("4250.00"), None, 1)


def test_dashboard_panel_and_monthly_selector(month, hq_operator, almaty_operator):
    reconcile_period(period=DEC)
    reconcile_period(period=JAN)
    months = selectors.collections_by_month(user=hq_operator)
    assert [m[0] for m in months] == [DEC, JAN]
    assert months[1][1] == Decimal("249000.00") + Decimal("126000.00") + Decimal("7500.00")
    request = RequestFactory().get("/admin/")
    request.user = almaty_operator
    panel = dashboard.dashboard_panels(request)[0]
    assert panel["cards"][0]["value"] == "11"
    assert any("01.2026" in bar["label"] and 0 < bar["share"] < 100 for bar in panel["bars"])


def test_the_last_closed_period_turns_after_the_25th():
    assert jobs.last_closed_period(datetime.date(2026, 2, 25)) == DEC
    assert jobs.last_closed_period(datetime.date(2026, 2, 26)) == JAN
    assert jobs.last_closed_period(datetime.date(2026, 1, 10)) == datetime.date(2025, 11, 1)


def test_the_monthly_job_reconciles_the_closed_period(month):
    run = jobs.reconcile_closed_period(today=datetime.date(2026, 2, 26))
    assert (run.period, run.trigger, run.found) == (JAN, "monthly", 11)


def test_the_nightly_job_reruns_only_periods_with_late_data(month):
    first = jobs.reconcile_late_data(today=datetime.date(2026, 3, 1))
    assert sorted(r.period for r in first) == [DEC, JAN]
    assert jobs.reconcile_late_data(today=datetime.date(2026, 3, 1)) == []
    pay(month["p"][3], month["employer"], JAN, D121, "12000")
    again = reconcile_late_data_task()
    runs = ReconciliationRun.objects.filter(pk__in=again)
    assert [r.period for r in runs] == [JAN] and runs[0].cleared == 1
    assert runs[0].employers == [month["employer"].bin]  # the employer paid for only


def test_the_command_and_the_task(month, capsys):
    call_command("reconcile", "--period", "2026-01")
    out = capsys.readouterr().out
    assert "11 discrepancies" in out and "rate_misapplied: 3" in out
    # The month as printed (ММ.ГГГГ) is the same period: the run finds the same lines.
    call_command("reconcile", "--period", "01.2026")
    assert "11 discrepancies (0 new, 0 cleared)" in capsys.readouterr().out
    for bad in ("2026-13", "1.26", "2026-01-15"):
        with pytest.raises(CommandError, match="YYYY-MM or MM.YYYY"):
            call_command("reconcile", "--period", bad)
    run_id = reconcile_period_task("2026-01-01")
    assert ReconciliationRun.objects.get(pk=run_id).found == 11
    call_command("reconcile", "--late-data")


def test_a_period_before_osms_is_a_clear_command_error(db):
    with pytest.raises(CommandError, match="No reconciliation rule is in force for 2010-01"):
        call_command("reconcile", "--period", "2010-01")


def test_a_period_without_a_rate_schedule_is_a_command_error(db):
    from payers.models import ContributionRate

    ContributionRate.objects.filter(payer_type="employee").delete()
    with pytest.raises(CommandError, match="schedule"):
        call_command("reconcile", "--period", "2026-01")
