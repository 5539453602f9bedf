"""The reconciliation job: one period, set-based, replacing its results atomically.

``reconcile_period(period=…)`` compares, per employer × person × period × kind
(КНП 121 deductions, 122 contributions):

- declared against paid: declared_not_paid, paid_not_declared, underpaid,
  overpaid, paid_other_period (the missing money was paid for another month
  within the rule's window, for a month the employer did not declare);
- declared against what the rate schedule implies for the declared income
  (rate and cap looked up once per period, then SQL arithmetic):
  rate_misapplied; cross_tax (ОПВ or ИПН declared, no ОСМС of that kind);
- declaration lines whose ИИН is not in the registry: unknown_iin (only that).

Differences up to the rule's tolerance are not flagged. The found set goes to a
temporary table in one statement; then, in the same transaction (and under a
per-period lock), discrepancies found again get fresh amounts and keep their
status, assignee and notes; those no longer found are removed (an event keeps
the trace of any that an operator had worked on); new ones are inserted as
``new``. Collections by region and payer type are rewritten for the period.
"""

import datetime
import logging
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from osms.core.locks import xact_lock
from osms.core.periods import add_months, first_of_month
from payers.selectors import last_payment_id, payment_periods_since

from . import reconcile_sql as q
from .models import DeclarationImportRun, ReconciliationRule, ReconciliationRun
from .terms import KINDS, employee_terms

log = logging.getLogger(__name__)


class ReconciliationError(ValueError):
    """A period cannot be reconciled (no rule in force, no rate schedule)."""


def rule_for(period):
    rule = ReconciliationRule.objects.latest_on(period)
    if rule is None:
        raise ReconciliationError(
            _("No reconciliation rule is in force for %(p)s.") % {"p": f"{period:%Y-%m}"}
        )
    return rule


def _params(*, period, run, rule, terms, now):
    vendor = connection.vendor
    raw = {
        "period": period,
        "period_text": f"{period:%Y-%m}",
        "run": run.pk,
        "tol": rule.tolerance,
        "window_from": add_months(period, -rule.other_period_window),
        "window_to": add_months(period, rule.other_period_window),
        "now": now,
    }
    for code, kind in zip(("121", "122"), KINDS, strict=True):
        t = terms[kind]
        raw[f"kind_{code}"] = kind
        raw[f"rate_{code}"] = t.rate
        raw[f"min_{code}"] = t.min_base
        raw[f"max_{code}"] = t.max_base
    if vendor == "postgresql":
        return raw
    # SQLite compares a bound text with a computed number as text: bind numbers as numbers.
    adapted = {}
    for key, value in raw.items():
        if isinstance(value, Decimal):
            value = float(value)
        elif isinstance(value, datetime.datetime):
            value = connection.ops.adapt_datetimefield_value(value)
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        adapted[key] = value
    return adapted


def _lock(period):
    """One reconciliation of a period at a time (osms.core.locks, sub-key yyyymm)."""
    xact_lock("reconcile_period", sub=period.year * 100 + period.month)


def current_watermarks():
    payment = last_payment_id()
    declaration = (
        DeclarationImportRun.objects.filter(status=DeclarationImportRun.Status.DONE)
        .aggregate(m=Max("id"))["m"] or 0
    )
    return payment, declaration


def _drop_temp_tables(cursor):
    for statement in q.DROP_TEMP_TABLES:
        cursor.execute(statement)


def _replace_results(cursor, params, terms, vendor):
    _drop_temp_tables(cursor)
    if vendor == "postgresql":
        cursor.execute(q.WORK_MEM)
    cursor.execute(q.refresh_persons_sql(), params)
    cursor.execute(q.cmp_sql(terms), params)
    if vendor == "postgresql":
        cursor.execute(q.ANALYZE_CMP)
    cursor.execute(q.odd_sql(), params)
    cursor.execute(q.undeclared_sql(), params)
    if vendor == "postgresql":
        cursor.execute(q.ANALYZE_ODD)
    cursor.execute(q.CREATE_FOUND)
    cursor.execute(q.found_sql(vendor), params)
    cursor.execute(q.FOUND_BY_TYPE)
    by_type = {row[0]: row[1] for row in cursor.fetchall()}
    cursor.execute(q.merge_update_sql(), params)
    cursor.execute(q.cleared_events_sql(), params)
    cursor.execute(q.detach_events_sql(), params)
    cursor.execute(q.delete_cleared_sql(), params)
    cleared = cursor.rowcount
    cursor.execute(q.insert_new_sql(), params)
    new = cursor.rowcount
    cursor.execute(q.delete_summary_sql(), params)
    cursor.execute(q.summary_sql(), params)
    cursor.execute(q.DECLARATION_LINES)
    declarations = cursor.fetchone()[0]
    _drop_temp_tables(cursor)
    return by_type, new, cleared, declarations


def reconcile_period(*, period, trigger=ReconciliationRun.Trigger.MANUAL, acting_user=None,
                     watermarks=None):
    """Reconcile one period (any date in the month); returns the finished run record.

    ``watermarks`` (last payment id, last declaration import id) are recorded on the
    run; the nightly job passes the ones it scanned up to, so nothing posted
    between its scan and the runs is missed next night.
    """
    period = first_of_month(period)
    rule = rule_for(period)
    try:
        terms = employee_terms(period)
    except ValueError as exc:
        raise ReconciliationError(str(exc)) from exc
    payment_mark, declaration_mark = watermarks or current_watermarks()
    run = ReconciliationRun.objects.create(
        period=period, trigger=trigger, tolerance=rule.tolerance, created_by=acting_user,
        payment_watermark=payment_mark, declaration_watermark=declaration_mark,
    )
    params = _params(period=period, run=run, rule=rule, terms=terms, now=timezone.now())
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            _lock(period)
            by_type, new, cleared, declarations = _replace_results(
                cursor, params, terms, connection.vendor
            )
            cursor.execute(q.persons_paid_sql(), params)
            payments = cursor.fetchone()[0]
            run.by_type = dict(sorted(by_type.items()))
            run.found = sum(by_type.values())
            run.new, run.cleared = new, cleared
            run.declarations, run.payments = declarations, int(payments)
            run.status = ReconciliationRun.Status.DONE
            run.finished_at = timezone.now()
            run.save()
    except Exception as exc:
        run.status = ReconciliationRun.Status.FAILED
        run.error = str(exc)[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        log.exception("reconciliation of %s failed", period)
        raise
    log.info("reconciled %s: %s", period, run.by_type)
    return run


def periods_with_late_data(*, since_payment, since_declaration_run, not_before):
    """Periods touched by payments or declaration imports after the given watermarks."""
    periods = payment_periods_since(after_id=since_payment, kinds=KINDS, not_before=not_before)
    from .models import Declaration

    periods |= set(
        Declaration.objects.filter(
            import_run_id__gt=since_declaration_run, period__gte=not_before
        ).values_list("period", flat=True).distinct()
    )
    return sorted(periods)
