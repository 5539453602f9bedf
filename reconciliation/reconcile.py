"""The reconciliation job: one period, set-based, in chunks, replacing its results atomically.

``reconcile_period(period=…)`` compares, per employer × person × period × kind
(КНП 121 deductions, 122 contributions):

- declared against paid: declared_not_paid, paid_not_declared, underpaid,
  overpaid, paid_other_period (the missing money was paid for another month
  within the rule's window, for a month the employer did not declare);
- declared against what the rate schedule implies for the declared income
  (rate and cap looked up once per period, then SQL arithmetic):
  rate_misapplied; cross_tax (ОПВ or ИПН declared, no ОСМС of that kind);
- declaration lines whose ИИН is not in the registry: unknown_iin (only that).

Differences up to the rule's tolerance are not flagged. Every comparison is keyed by the
employer (its BIN on the line, the payer code on the payment), so a run is cut into
chunks of employers (``ReconciliationChunk``): BIN ranges of about ``chunk_size``
declaration lines, or the employers listed (``employers=[BIN, …]``: a run that touches
those employers' lines, payments and discrepancies only). Any number of processes or
Celery workers share a run's chunks (``osms.core.fanout``: claimed with ``FOR UPDATE SKIP
LOCKED``, each done once, in one transaction): a chunk finds its employers'
discrepancies in one statement over temporary tables and keeps them under its run and
chunk (``FoundLine``), with its employers' shares of the collections (``CollectionPart``).
The period's payments are read from the ledger once, when the run opens, up to its
payment watermark (``staging``): each chunk reads its employers' part of that copy.

The run closes when no chunk is left, in one transaction under the per-period lock:
discrepancies found again get fresh amounts and keep their status, assignee and notes;
those no longer found (of the run's employers) are removed (an event keeps the trace of
any that an operator had worked on); new ones are inserted as ``new``; the period's
collections by region and payer type are rewritten as the sum of its parts. Until then
the worklist and the collections are those of the previous run: a run that dies
half-way shows nowhere but on its own record (``running``, then ``failed`` once another
run of the period supersedes it).
"""

import datetime
import logging
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from osms.core import fanout
from osms.core.locks import xact_lock
from osms.core.periods import add_months, first_of_month
from payers.ledger import settled_payment_watermark
from payers.selectors import payment_periods_since

from . import reconcile_sql as q
from . import staging
from .models import (
    DeclarationImportRun,
    ReconciliationChunk,
    ReconciliationRule,
    ReconciliationRun,
)
from .terms import KINDS, employee_terms

log = logging.getLogger(__name__)

DEFAULT_CHUNK = 500_000  # declaration lines per chunk of a whole period (BIN ranges)
EMPLOYERS_CHUNK = 1_000  # employers per chunk of a run of listed employers
RUNNING = ReconciliationRun.Status.RUNNING


class ReconciliationError(ValueError):
    """A period cannot be reconciled (no rule in force, no rate schedule)."""


def rule_for(period):
    rule = ReconciliationRule.objects.latest_on(period)
    if rule is None:
        raise ReconciliationError(
            _("No reconciliation rule is in force for %(p)s.") % {"p": f"{period:%Y-%m}"}
        )
    return rule


def _params(*, period, run, rule, terms, now, chunk=None, scope=None):
    vendor = connection.vendor
    raw = {
        "period": period,
        "period_text": f"{period:%Y-%m}",
        "run": run.pk,
        "chunk": chunk.pk if chunk is not None else None,
        "tol": rule.tolerance,
        "window_from": add_months(period, -rule.other_period_window),
        "window_to": add_months(period, rule.other_period_window),
        "now": now,
        "watermark": run.payment_watermark,
        **(scope or {}),
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


def _terms(period):
    try:
        return employee_terms(period)
    except ValueError as exc:
        raise ReconciliationError(str(exc)) from exc


def _lock(period):
    """One reconciliation of a period opens or closes at a time (osms.core.locks, yyyymm)."""
    xact_lock("reconcile_period", sub=period.year * 100 + period.month)


def current_watermarks():
    """(payment, declaration import): every payment up to the first is committed
    (``settled_payment_watermark``), so a run that stages the payments up to it misses
    none that a later run would not see as new."""
    payment = settled_payment_watermark()
    declaration = (
        DeclarationImportRun.objects.filter(status=DeclarationImportRun.Status.DONE)
        .aggregate(m=Max("id"))["m"] or 0
    )
    return payment, declaration


def _drop_temp_tables(cursor):
    for statement in q.DROP_TEMP_TABLES:
        cursor.execute(statement)


def _run_scope(run):
    """The predicate and parameters of the run's employers (none: the whole period)."""
    if run.employers is None:
        return "", {}
    return (q.bin_scope("$.employer_bin", bins=run.employers),
            q.scope_params(bins=run.employers))


def _has_parts(period):
    """Has a whole-period run written the period's collections in parts (so that one
    employer's parts can be replaced alone)?"""
    return ReconciliationRun.objects.filter(
        period=period, status=ReconciliationRun.Status.DONE, employers__isnull=True,
        chunks_total__gt=0).exists()


def _cut(run, chunk_size):
    """The run's chunks: its employers in pieces, or BIN ranges of about ``chunk_size``
    declaration lines (the first and the last open-ended, for payers without a line)."""
    if run.employers is not None:
        return [ReconciliationChunk(run=run, bins=run.employers[at:at + EMPLOYERS_CHUNK])
                for at in range(0, len(run.employers), EMPLOYERS_CHUNK)]
    with connection.cursor() as cursor:
        cursor.execute(q.chunk_bounds_sql(), q.sqlite_safe(
            {"period": run.period, "size": max(int(chunk_size), 1)}))
        edges = ["", *(row[0] for row in cursor.fetchall()), ""]
    return [ReconciliationChunk(run=run, lo=lo, hi=hi)
            for lo, hi in zip(edges, edges[1:], strict=False)]


def _supersede(period, by):
    """Unfinished runs of the period are failed, their staged rows dropped (taking their
    row lock waits for a chunk of theirs still in flight)."""
    stale = list(ReconciliationRun.objects.select_for_update()
                 .filter(period=period, status=RUNNING).exclude(pk=by.pk))
    for run in stale:
        _fail(run, _("Superseded by run #%(run)s.") % {"run": by.pk})


def _fail(run, error):
    """The run is failed; what its chunks kept is dropped (the worklist never saw it)."""
    from .models import CollectionPart, FoundLine

    FoundLine.objects.filter(run=run).delete()
    CollectionPart.objects.filter(run=run).delete()
    staging.drop(run)
    ReconciliationRun.objects.filter(pk=run.pk).update(
        status=ReconciliationRun.Status.FAILED, error=str(error)[:2000],
        finished_at=timezone.now())
    run.status, run.error = ReconciliationRun.Status.FAILED, str(error)[:2000]


def run_open(*, period, trigger=ReconciliationRun.Trigger.MANUAL, acting_user=None,
             watermarks=None, employers=None, chunk_size=DEFAULT_CHUNK):
    """A new run of ``period`` (any date in the month) cut into chunks; unfinished runs of
    the period are superseded. ``employers``: only these BINs (a whole-period run instead
    while no whole-period run has written the period's collections in parts)."""
    period = first_of_month(period)
    rule = rule_for(period)
    _terms(period)
    payment_mark, declaration_mark = watermarks or current_watermarks()
    with transaction.atomic():
        _lock(period)
        if employers is not None:
            employers = sorted({str(value) for value in employers})
            if not _has_parts(period):
                employers = None
        run = ReconciliationRun.objects.create(
            period=period, trigger=trigger, tolerance=rule.tolerance, created_by=acting_user,
            payment_watermark=payment_mark, declaration_watermark=declaration_mark,
            employers=employers,
        )
        _supersede(period, run)
        chunks = ReconciliationChunk.objects.bulk_create(_cut(run, chunk_size))
        run.chunks_total = len(chunks)
        run.paid_rows = staging.stage(run, bounds=[chunk.lo for chunk in chunks if chunk.lo])
        run.save(update_fields=["chunks_total", "paid_rows"])
    return run


def _still_open(run):
    """Inside a chunk's transaction: is the run still running? The key-share lock keeps a
    superseding run from failing it until this chunk has committed."""
    with connection.cursor() as cursor:
        cursor.execute(q.run_status_sql(connection.vendor), [run.pk])
        row = cursor.fetchone()
    return row is not None and row[0] == RUNNING


def _work(run, chunk):
    """One chunk: its employers' discrepancies and collections, kept under run and chunk."""
    scope = q.bin_scope("$.employer_bin", lo=chunk.lo, hi=chunk.hi, bins=chunk.bins)
    terms = _terms(run.period)
    params = _params(period=run.period, run=run, rule=rule_for(run.period), terms=terms,
                     now=timezone.now(), chunk=chunk,
                     scope=q.scope_params(lo=chunk.lo, hi=chunk.hi, bins=chunk.bins))
    params["tol"] = float(run.tolerance) if connection.vendor != "postgresql" else run.tolerance
    vendor = connection.vendor
    with connection.cursor() as cursor:
        _drop_temp_tables(cursor)
        if vendor == "postgresql":
            cursor.execute(q.WORK_MEM)
            cursor.execute(q.NO_JIT)
        cursor.execute(q.refresh_persons_sql(scope), params)
        staging.ensure_staged(run)
        cursor.execute(q.cmp_sql(terms, staging.paid_rows_sql(run, scope), scope), params)
        if vendor == "postgresql":
            cursor.execute(q.ANALYZE_CMP)
        cursor.execute(q.odd_sql(), params)
        cursor.execute(q.undeclared_sql(), params)
        if vendor == "postgresql":
            cursor.execute(q.ANALYZE_ODD)
        cursor.execute(q.CREATE_FOUND)
        cursor.execute(q.found_sql(vendor), params)
        cursor.execute(q.drop_chunk_staged_sql(), params)
        cursor.execute(q.stage_found_sql(), params)
        chunk.found = max(cursor.rowcount, 0)
        cursor.execute(q.parts_sql(), params)
        cursor.execute(q.DECLARATION_LINES)
        chunk.declarations = cursor.fetchone()[0]
        _drop_temp_tables(cursor)
    fanout.chunk_done(run, chunk, ["declarations", "found"])


def process_next_chunk(run) -> bool:
    """Claim one undone chunk of ``run`` and do it atomically; False when none is left
    or the run is no longer open."""
    return fanout.process_next(run, ReconciliationChunk.objects.filter(run=run), _work,
                               guard=_still_open)


def _close(cursor, run, params, scope):
    """Merge every chunk's findings into the worklist, rewrite the collections."""
    if connection.vendor == "postgresql":
        cursor.execute(q.WORK_MEM)
        cursor.execute(q.NO_JIT)
    _drop_temp_tables(cursor)
    cursor.execute(q.CREATE_FOUND)
    cursor.execute(q.unstage_found_sql(), params)
    cursor.execute(q.FOUND_BY_TYPE)
    by_type = {row[0]: row[1] for row in cursor.fetchall()}
    cursor.execute(q.merge_update_sql(), params)
    cursor.execute(q.cleared_events_sql(scope), params)
    cursor.execute(q.detach_events_sql(scope), params)
    cursor.execute(q.delete_cleared_sql(scope), params)
    cleared = cursor.rowcount
    cursor.execute(q.insert_new_sql(), params)
    new = cursor.rowcount
    if run.employers is None:
        cursor.execute(q.other_parts_sql(), params)
    cursor.execute(q.delete_replaced_parts_sql(scope), params)
    cursor.execute(q.delete_summary_sql(), params)
    cursor.execute(q.summary_sql(), params)
    cursor.execute(q.persons_paid_sql(), params)
    payments = cursor.fetchone()[0]
    cursor.execute(q.drop_staged_sql(), params)
    _drop_temp_tables(cursor)
    staging.drop(run)
    return by_type, new, cleared, int(payments)


def finish_if_complete(run) -> ReconciliationRun:
    """Close the run once every chunk is done (whoever gets here first; the others, and
    anyone while a chunk is still held, find nothing to do)."""
    with transaction.atomic():
        _lock(run.period)
        run = ReconciliationRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RUNNING:
            return run
        chunks = ReconciliationChunk.objects.filter(run=run)
        if chunks.filter(done_at__isnull=True).exists():
            return run
        scope, scope_params = _run_scope(run)
        params = _params(period=run.period, run=run, rule=rule_for(run.period),
                         terms=_terms(run.period), now=timezone.now(), scope=scope_params)
        with connection.cursor() as cursor:
            by_type, new, cleared, payments = _close(cursor, run, params, scope)
        run.by_type = dict(sorted(by_type.items()))
        run.found = sum(by_type.values())
        run.new, run.cleared = new, cleared
        run.declarations = chunks.aggregate(n=Sum("declarations"))["n"] or 0
        run.payments = payments
        run.chunks_done = run.chunks_total
        run.status = ReconciliationRun.Status.DONE
        run.finished_at = timezone.now()
        run.save()
    log.info("reconciled %s: %s", run.period, run.by_type)
    return run


def drain(run, *, progress=None) -> ReconciliationRun:
    """Do chunks of ``run`` until none is left, then close it if every chunk is done."""
    return fanout.drain(run, step=process_next_chunk, finish=finish_if_complete,
                        progress=progress)


def reconcile_period(*, period, trigger=ReconciliationRun.Trigger.MANUAL, acting_user=None,
                     watermarks=None, employers=None, chunk_size=DEFAULT_CHUNK, on_open=None):
    """Reconcile one period (any date in the month) in this process; returns the run.

    ``watermarks`` (last payment id, last declaration import id) are recorded on the
    run; the nightly job passes the ones it scanned up to, so nothing posted
    between its scan and the runs is missed next night. ``employers``: reconcile only
    these BINs' lines, payments and discrepancies. ``on_open(run)`` is called once the
    run is open (the task asks other workers to share it there); the run returned is
    still ``running`` when chunks were left held by others.
    """
    run = run_open(period=period, trigger=trigger, acting_user=acting_user,
                   watermarks=watermarks, employers=employers, chunk_size=chunk_size)
    if on_open is not None:
        on_open(run)
    try:
        return drain(run)
    except Exception as exc:
        _fail(run, exc)
        log.exception("reconciliation of %s failed", run.period)
        raise


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
