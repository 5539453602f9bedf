"""The nightly recomputation of insured statuses: set-based, chunked, resumable.

Opening a run notes the months of the new payments (``coverage.fold``; on the
first run or ``--rebuild`` it folds the whole ledger into a staging table) and
cuts the work into chunks (``RecomputeChunk``), in one transaction. A worker
claims an undone chunk with ``SELECT … FOR UPDATE SKIP LOCKED`` and, in one SQL
statement (``recompute_sql``) of the same transaction, folds those months into
the paid-month bits its persons' status rows carry, decides their statuses from
the bits so folded, writes a history row for each change and inserts or updates
the current rows (bits and decision, one row per person); then it marks the
chunk done. A crash rolls the chunk back; the next call resumes the unfinished
run before starting a new one. Several Celery workers (or processes) share one
run, and so the fold.

A full run cuts the persons into id ranges. An incremental run (the default)
looks only at the persons touched since the previous run — new payments,
memberships changed, starting or deleted, persons new or changed in the
registry, and statuses whose ``recheck_on`` date has come (18th birthdays,
grace, retention and category ends, month boundaries) — found once when the run
opens and cut into chunks of at most ``TOUCHED_CHUNK`` persons, so its cost
follows the number of persons touched, not the size of the population. A change
of policy, category term or residency rule between the two run dates forces a
full run.
"""

import datetime

from django.db import connection, transaction
from django.db.models import Max, Sum
from django.utils import timezone

from osms.core import fanout
from osms.core.changes import settled_moment
from osms.core.locks import xact_lock
from osms.core.periods import month_index, month_start
from payers.ledger import settled_payment_watermark
from payers.selectors import person_id_bounds

from . import recompute_sql as sql
from .facts import policy_on
from .fold import assign_pairs, fold_ledger
from .models import CategoryTerm, RecomputeChunk, RecomputeRun, ResidencyRule, StatusPolicy
from .rules import NON_CONTRIBUTION_KINDS

DEFAULT_CHUNK = 100_000  # persons per id range
TOUCHED_CHUNK = 5_000  # at most this many touched persons per chunk of an incremental run
TOUCHED_SHARE, TOUCHED_MIN = 2, 500  # and cut in 2 if that leaves 500 each (a chunk per core)
DENSE_SHARE = 0.2  # beyond this share of the id range touched (and one chunk), scan ranges


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
    return any(model.objects.changing_between(low, high).exists()
               for model in (StatusPolicy, CategoryTerm, ResidencyRule))


def _range_chunks(run, chunk_size, bounds):
    if bounds["lo"] is None:
        return 0
    chunks = [
        RecomputeChunk(run=run, lo=lo, hi=min(lo + chunk_size, bounds["hi"] + 1))
        for lo in range(bounds["lo"], bounds["hi"] + 1, chunk_size)
    ]
    RecomputeChunk.objects.bulk_create(chunks)
    return len(chunks)


def _touched_chunk_size(touched, chunk_size):
    """Persons per chunk of ``touched`` persons: as few chunks as ``TOUCHED_CHUNK`` allows
    (each costs a plan and a commit), at least one per core when each keeps ``TOUCHED_MIN``,
    and all of a size (10 050 persons: three chunks of 3 350, not 5 000, 5 000 and 50)."""
    largest = max(min(chunk_size, TOUCHED_CHUNK), 1)
    pieces = max(-(-touched // largest), min(TOUCHED_SHARE, touched // TOUCHED_MIN), 1)
    return max(-(-touched // pieces), 1)


def _touched_chunks(run, previous, chunk_size, bounds):
    """Chunks of the persons touched since ``previous``; id ranges when most are touched.

    Returns the number of chunks and, when they were made with the months to fold of
    their persons, the number of those months (else None: ``assign_pairs`` hands them).

    On the first days of a month most statuses are due for a recheck: then scanning
    the id ranges in order (and deciding everyone in them) is cheaper than looking up
    that many persons one by one.
    """
    params = {"run": run.id, "on": run.on, "prev_on": previous.on, "since": run.since,
              "prev_person_wm": previous.person_watermark}
    with connection.cursor() as cursor:
        *tables, collect = sql.TOUCHED
        for statement in tables:
            cursor.execute(statement)
        cursor.execute(collect, params)
        touched = max(cursor.rowcount, 0)
        size = _touched_chunk_size(touched, chunk_size)
        if touched > size and touched > DENSE_SHARE * (bounds["hi"] - bounds["lo"] + 1):
            return _range_chunks(run, chunk_size, bounds), None
        cursor.execute(sql.TOUCHED_CHUNKS, {**params, "size": size})
        assigned = [n for (n,) in cursor.fetchall()]
        return len(assigned), sum(assigned)


def _since(previous):
    """Changes after this moment are new to the next run (``changes_until`` of the last)."""
    if previous is None:
        return None
    return previous.changes_until or previous.started_at


def _start_run(*, on, full, chunk_size, acting_user, watermark, settled, rebuild=False):
    previous = RecomputeRun.objects.filter(status=RecomputeRun.Status.DONE).first()
    mode = RecomputeRun.Mode.FULL
    if not full and previous is not None and previous.on <= on and not _rules_changed_between(
        previous.on, on
    ):
        mode = RecomputeRun.Mode.INCREMENTAL
    rebuild = rebuild or previous is None
    folded_upto = 0 if rebuild else (
        RecomputeRun.objects.aggregate(m=Max("payment_watermark"))["m"] or 0)
    watermark = max(watermark, folded_upto)
    folded, fold_seconds = fold_ledger(since=folded_upto, upto=watermark, rebuild=rebuild)
    bounds = person_id_bounds()
    run = RecomputeRun.objects.create(
        on=on,
        mode=mode,
        folded_payments=folded,
        fold_seconds=fold_seconds,
        rebuilt=rebuild,
        payment_watermark=watermark,
        person_watermark=bounds["hi"] or 0,
        since=_since(previous),
        changes_until=settled,
        previous_on=previous.on if previous else None,
        acting_user=acting_user,
    )
    assigned = None
    if mode == RecomputeRun.Mode.INCREMENTAL:
        run.chunks_total, assigned = _touched_chunks(run, previous, chunk_size, bounds)
    else:
        run.chunks_total = _range_chunks(run, chunk_size, bounds)
    run.save(update_fields=["chunks_total"])
    assign_pairs(run, assigned=assigned)
    return run


def run_open(*, on=None, full=False, chunk_size=DEFAULT_CHUNK, acting_user=None, rebuild=False):
    """The unfinished run to resume, else a new run for ``on`` (today by default)."""
    _require_postgresql()
    on = on or timezone.localdate()
    # Read before the run lock: it waits for ledger writes in progress, and every payment
    # with an id up to it is committed, so the fold by id range never skips one.
    watermark = settled_payment_watermark()
    # Likewise the moment up to which memberships and registry changes are all committed.
    settled = settled_moment("memberships", "registry")
    with transaction.atomic():
        xact_lock("coverage_run")  # one run opens at a time
        unfinished = RecomputeRun.objects.filter(status=RecomputeRun.Status.RUNNING).first()
        if unfinished is not None:
            return unfinished, True
        return _start_run(on=on, full=full or rebuild, chunk_size=chunk_size,
                          acting_user=acting_user, watermark=watermark, settled=settled,
                          rebuild=rebuild), False


def _params(run, chunk):
    policy = policy_on(run.on)
    current = month_index(run.on)
    low, high = policy.horizon(current)
    return {
        "run": run.id, "on": run.on, "lo": chunk.lo, "hi": chunk.hi, "ids": chunk.person_ids,
        "sources": chunk.person_sources or [],
        "cur": current, "ws": current - policy.debt_window_months,
        "low": low, "span": high - low + 1, "next_month": month_start(current + 1),
        "grace": policy.grace_months, "lag": policy.due_lag_months,
        "ret_after": policy.retention_after_months or 0, "ret": policy.retention_months,
        "payment_wm": run.payment_watermark, "excluded": list(NON_CONTRIBUTION_KINDS),
        "fold_persons": chunk.fold_person_ids, "fold_months": chunk.fold_months,
        "fold_flags": chunk.fold_flags,
    }


def _close_chunk(run, chunk, persons, transitions):
    chunk.persons = persons
    chunk.changed = sum(transitions.values())
    chunk.transitions = transitions
    chunk.person_ids = chunk.person_sources = None
    chunk.fold_person_ids = chunk.fold_months = chunk.fold_flags = None
    fanout.chunk_done(run, chunk, ["persons", "changed", "transitions", "person_ids",
                                   "person_sources", "fold_person_ids", "fold_months",
                                   "fold_flags"])


_compression: dict[str, str | None] = {}  # database alias → the method this role may set


def _chunk_settings(cursor) -> list[str]:
    """The chunk transaction's settings.

    * ``synchronous_commit = off``: a chunk's commit does not wait for its WAL to
      reach the disk. A crash may then lose the last chunks committed, but only
      whole: their statuses, history and done mark go together, and the next run
      does them again, so nothing is half-written.
    * ``wal_compression`` where the role may set it (PostgreSQL 15: ``GRANT SET ON
      PARAMETER wal_compression``): most of an incremental chunk's WAL is the
      first-after-checkpoint image of each page it writes, one page per person.
    """
    settings = list(sql.CHUNK_SETTINGS)
    alias = cursor.db.alias
    if alias not in _compression:  # asked once per process and database, not per chunk
        cursor.execute(sql.WAL_COMPRESSION)
        row = cursor.fetchone()
        _compression[alias] = row[0] if row else None
    if _compression[alias]:
        settings.append(sql.wal_compression_setting(_compression[alias]))
    return settings


def _work(run, chunk):
    params = _params(run, chunk)
    statement = sql.chunk_sql(incremental=chunk.person_ids is not None,
                              retention_after=params["ret_after"], rebuilt=run.rebuilt)
    with connection.cursor() as cursor:
        for setting in _chunk_settings(cursor):
            cursor.execute(setting)
        cursor.execute(statement, params)
        counts = dict(cursor.fetchall())
    persons = counts.pop("", 0)
    _close_chunk(run, chunk, persons, counts)


def process_next_chunk(run) -> bool:
    """Claim one undone chunk of ``run`` and finish it atomically; False when none is left
    (``osms.core.fanout``)."""
    return fanout.process_next(run, RecomputeChunk.objects.filter(run=run), _work,
                               order_by=("lo",))


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
        if run.rebuilt:  # every chunk took its bits from the staging table
            with connection.cursor() as cursor:
                cursor.execute(sql.EMPTY_STAGING)
        run.finished_at = timezone.now()
        run.duration_seconds = (run.finished_at - run.started_at).total_seconds()
        run.save()
    return run


def drain(run, *, progress=None) -> RecomputeRun:
    """Process chunks of ``run`` until none is left, then close it."""
    return fanout.drain(run, step=process_next_chunk, finish=finish_if_complete,
                        progress=progress)
