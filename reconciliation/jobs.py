"""The scheduled reconciliations: the closed period monthly, late data nightly."""

import logging

from django.db.models import Max
from django.utils import timezone

from osms.core.periods import add_months
from payers.selectors import payers_since

from .models import Declaration, ReconciliationRun
from .reconcile import (
    current_watermarks,
    periods_with_late_data,
    reconcile_period,
)
from .terms import KINDS

log = logging.getLogger(__name__)
Trigger = ReconciliationRun.Trigger
# Late data older than this is not reconciled again automatically (run the command).
LATE_DATA_MONTHS = 36
# A period whose late data concern at most this many employers is reconciled for them only.
LATE_DATA_MAX_EMPLOYERS = 5_000


def changed_employers(period, *, since_payment, since_declaration_run):
    """The employers of ``period`` with payments or declaration lines after the watermarks
    (None beyond ``LATE_DATA_MAX_EMPLOYERS``: the whole period is cheaper then)."""
    employers = payers_since(after_id=since_payment, kinds=KINDS, period=period)
    employers |= set(Declaration.objects.filter(
        import_run_id__gt=since_declaration_run, period=period)
        .values_list("employer_bin", flat=True).distinct())
    return sorted(employers) if len(employers) <= LATE_DATA_MAX_EMPLOYERS else None


def last_closed_period(today=None):
    """The latest month whose payment due date (the 25th of the next month) has passed."""
    today = today or timezone.localdate()
    return add_months(today, -1 if today.day > 25 else -2)


def reconcile_closed_period(*, today=None):
    return reconcile_period(period=last_closed_period(today), trigger=Trigger.MONTHLY)


def reconcile_late_data(*, today=None):
    """Re-run every closed period that received payments or declarations since last night,
    for the employers concerned only (``changed_employers``)."""
    marks = ReconciliationRun.objects.filter(
        trigger=Trigger.NIGHTLY, status=ReconciliationRun.Status.DONE
    ).aggregate(payment=Max("payment_watermark"), declaration=Max("declaration_watermark"))
    scanned_to = current_watermarks()
    closed = last_closed_period(today)
    periods = [
        period
        for period in periods_with_late_data(
            since_payment=marks["payment"] or 0,
            since_declaration_run=marks["declaration"] or 0,
            not_before=add_months(closed, -LATE_DATA_MONTHS),
        )
        if period <= closed
    ]
    runs = [
        reconcile_period(period=period, trigger=Trigger.NIGHTLY, watermarks=scanned_to,
                         employers=changed_employers(
                             period, since_payment=marks["payment"] or 0,
                             since_declaration_run=marks["declaration"] or 0))
        for period in periods
    ]
    log.info("late data: reconciled %s", [f"{p:%Y-%m}" for p in periods])
    return runs
