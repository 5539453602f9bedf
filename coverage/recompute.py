"""The nightly recomputation of insured statuses: set-based, chunked, resumable.

A run (``RecomputeRun``) is cut into person-id ranges (``RecomputeChunk``).
A worker claims an undone chunk with ``SELECT … FOR UPDATE SKIP LOCKED`` and, in
the same transaction, decides the statuses of the chunk's persons in one SQL
statement (``recompute_sql``), writes a history row for each change, upserts the
current rows and marks the chunk done. A crash rolls the chunk back; the next
call resumes the unfinished run before starting a new one. Several Celery
workers can share one run.

Incremental (the default) looks only at persons touched since the previous
run: new payments (id above the previous payment watermark), memberships
changed or starting, persons new or changed in the registry, and statuses whose
``recheck_on`` date has come (18th birthdays, grace, retention and category ends,
month boundaries). ``full`` recomputes everyone; a change of policy, category
term or residency rule between the two run dates forces a full run.
"""

import datetime
import time

from django.db import connection, transaction
from django.db.models import Max, Min, Q, Sum
from django.utils import timezone

from payers.models import Payment, Person

from .facts import policy_on
from .models import CategoryTerm, RecomputeChunk, RecomputeRun, ResidencyRule, StatusPolicy
from .recompute_sql import FOLD, FOLD_ALL, HISTORY, UPSERT, decide_sql
from .rules import NON_CONTRIBUTION_KINDS, month_index, month_start

DEFAULT_CHUNK = 50_000
RUN_LOCK = 0x05C0_0E12  # advisory lock serialising the start of runs


class RecomputeError(RuntimeError):
    pass


def _require_postgresql():
    if connection.vendor != "postgresql":
        raise RecomputeError(
            "The status recomputation is written for PostgreSQL; set DATABASE_URL."
        )


def _rules_changed_between(previous: datetime.date, on: datetime.date) -> bool:
    """Did any policy, category term or residency rule start or end in (previous, on]?"""
    low, high = sorted((previous, on))
    for model in (StatusPolicy, CategoryTerm, ResidencyRule):
        starts = Q(valid_from__gt=low, valid_from__lte=high)
        ends = Q(valid_to__gte=low, valid_to__lt=high)
        if model.objects.filter(starts | ends).exists():
            return True
    return False


FOLD_BATCH = 2_000_000  # ledger ids per fold statement
ANALYZE_AFTER = 100_000  # refresh the planner's statistics after a fold this large


def _fold_ledger(*, upto, rebuild):
    """Fold payments above the last run's watermark (all of them on ``rebuild``)."""
    started = time.monotonic()
    folded_upto = 0 if rebuild else (
        RecomputeRun.objects.aggregate(m=Max("payment_watermark"))["m"] or 0)
    excluded = list(NON_CONTRIBUTION_KINDS)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        if rebuild:
            # Bulk load: empty the table, drop its index, insert, build the index once.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE coverage_paidmonth")
            cursor.execute("DROP INDEX paid_month_unique")
            cursor.execute(FOLD_ALL, {"to_id": upto, "excluded": excluded})
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute("CREATE UNIQUE INDEX paid_month_unique ON coverage_paidmonth "
                           "(person_id, period) INCLUDE (amount, first_paid_on)")
        else:
            for start in range(folded_upto, upto, FOLD_BATCH):
                cursor.execute(FOLD, {"from_id": start, "to_id": min(start + FOLD_BATCH, upto),
                                      "excluded": excluded})
        if upto - folded_upto > ANALYZE_AFTER:
            cursor.execute("ANALYZE coverage_paidmonth")
    return upto - folded_upto, time.monotonic() - started


def _start_run(*, on, full, chunk_size, acting_user, rebuild=False):
    previous = RecomputeRun.objects.filter(status=RecomputeRun.Status.DONE).first()
    mode = RecomputeRun.Mode.FULL
    if not full and previous is not None and previous.on <= on and not _rules_changed_between(
        previous.on, on
    ):
        mode = RecomputeRun.Mode.INCREMENTAL
    bounds = Person.objects.aggregate(lo=Min("id"), hi=Max("id"))
    watermark = Payment.objects.aggregate(m=Max("id"))["m"] or 0
    folded, fold_seconds = _fold_ledger(upto=watermark, rebuild=rebuild or previous is None)
    run = RecomputeRun.objects.create(
        on=on,
        mode=mode,
        folded_payments=folded,
        fold_seconds=fold_seconds,
        payment_watermark=watermark,
        person_watermark=bounds["hi"] or 0,
        since=previous.started_at if previous else None,
        previous_on=previous.on if previous else None,
        acting_user=acting_user,
    )
    if bounds["lo"] is not None:
        chunks = [
            RecomputeChunk(run=run, lo=lo, hi=min(lo + chunk_size, bounds["hi"] + 1))
            for lo in range(bounds["lo"], bounds["hi"] + 1, chunk_size)
        ]
        RecomputeChunk.objects.bulk_create(chunks)
        run.chunks_total = len(chunks)
        run.save(update_fields=["chunks_total"])
    return run


def run_open(*, on=None, full=False, chunk_size=DEFAULT_CHUNK, acting_user=None, rebuild=False):
    """The unfinished run to resume, else a new run for ``on`` (today by default)."""
    _require_postgresql()
    on = on or timezone.localdate()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RUN_LOCK])
        unfinished = RecomputeRun.objects.filter(status=RecomputeRun.Status.RUNNING).first()
        if unfinished is not None:
            return unfinished, True
        return _start_run(on=on, full=full or rebuild, chunk_size=chunk_size,
                          acting_user=acting_user, rebuild=rebuild), False


def _params(run, chunk):
    policy = policy_on(run.on)
    current = month_index(run.on)
    low, high = policy.horizon(current)
    previous = RecomputeRun.objects.filter(
        status=RecomputeRun.Status.DONE, id__lt=run.id).first()
    since = run.since or datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
    return {
        "run": run.id, "on": run.on, "lo": chunk.lo, "hi": chunk.hi,
        "cur": current, "cur_start": month_start(current), "ws": current - policy.debt_window_months,
        "low_date": month_start(low), "high_date": month_start(high),
        "next_month": month_start(current + 1),
        "grace": policy.grace_months, "lag": policy.due_lag_months,
        "ret_after": policy.retention_after_months or 0, "ret": policy.retention_months,
        "excluded": list(NON_CONTRIBUTION_KINDS),
        "prev_payment_wm": previous.payment_watermark if previous else 0,
        "payment_wm": run.payment_watermark,
        "prev_person_wm": previous.person_watermark if previous else 0,
        "since": since, "prev_on": run.previous_on or run.on,
    }


def process_next_chunk(run) -> bool:
    """Claim one undone chunk of ``run`` and finish it atomically; False when none is left."""
    incremental = run.mode == RecomputeRun.Mode.INCREMENTAL
    with transaction.atomic():
        chunk = (
            RecomputeChunk.objects.select_for_update(skip_locked=True)
            .filter(run=run, done_at__isnull=True)
            .order_by("lo")
            .first()
        )
        if chunk is None:
            return False
        params = _params(run, chunk)
        sql = decide_sql(incremental=incremental, retention_after=params["ret_after"],
                         retention=params["ret"])
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '128MB'")
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(sql, params)
            persons = cursor.rowcount
            cursor.execute(HISTORY, params)
            transitions = {reason: count for reason, count in cursor.fetchall()}
            cursor.execute(UPSERT, params)
            cursor.execute("DROP TABLE coverage_new")
        chunk.persons = max(persons, 0)
        chunk.changed = sum(transitions.values())
        chunk.transitions = transitions
        chunk.done_at = timezone.now()
        chunk.save(update_fields=["persons", "changed", "transitions", "done_at"])
        RecomputeRun.objects.filter(pk=run.pk).update(
            chunks_done=RecomputeChunk.objects.filter(run=run, done_at__isnull=False).count()
        )
    return True


def finish_if_complete(run) -> RecomputeRun:
    with transaction.atomic():
        run = RecomputeRun.objects.select_for_update().get(pk=run.pk)
        if run.status == RecomputeRun.Status.DONE:
            return run
        chunks = RecomputeChunk.objects.filter(run=run)
        if chunks.filter(done_at__isnull=True).exists():
            return run
        totals = chunks.aggregate(persons=Sum("persons"), changed=Sum("changed"))
        transitions = {}
        for item in chunks.values_list("transitions", flat=True):
            for reason, count in item.items():
                transitions[reason] = transitions.get(reason, 0) + count
        run.persons = totals["persons"] or 0
        run.changed = totals["changed"] or 0
        run.transitions = dict(sorted(transitions.items()))
        run.chunks_done = run.chunks_total
        run.status = RecomputeRun.Status.DONE
        run.finished_at = timezone.now()
        run.duration_seconds = (run.finished_at - run.started_at).total_seconds()
        run.save()
    return run


def drain(run, *, progress=None) -> RecomputeRun:
    """Process chunks of ``run`` until none is left, then close it."""
    started = time.monotonic()
    while process_next_chunk(run):
        if progress is not None:
            run.refresh_from_db(fields=["chunks_done", "chunks_total"])
            progress(run, time.monotonic() - started)
    return finish_if_complete(run)
