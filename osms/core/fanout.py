"""A bulk job fanned out to Celery workers in chunks (the status run, reconciliation).

A run row and its chunk rows are written when the run opens, in one transaction. Any
number of processes then share the run: each claims one undone chunk with ``SELECT … FOR
UPDATE SKIP LOCKED`` (``claim``), does its work and marks it done in the same
transaction, so a chunk is done exactly once whatever the redeliveries, retries or
workers (idempotent by run and chunk). A process killed in the middle of a chunk rolls
it back, and the chunk is free again as soon as its session is gone. When no undone
chunk is left the run is closed by whoever gets there first (``finish`` under a lock on
the run row; it does nothing while a chunk is still held).

The Celery side (``share``): tasks are acknowledged late, one message prefetched per
worker (settings), requeued when a worker process is lost; a worker that finds the
remaining chunks held by others looks again every ``FANOUT_RETRY_SECONDS`` until the run
is closed, so the chunk of a dead worker is taken over.

An app supplies its run model (``chunks_done`` / ``chunks_total`` / ``status``), its
chunk model (``run`` / ``done_at``), the work of one chunk and the closing step.
"""

import time

from django.conf import settings
from django.db import transaction
from django.db.models import F

RETRY_LIMIT = 720  # a helper looks again for at most this many times (an hour at 5 s)


def retry_seconds():
    """How long a helper waits before looking again for chunks held by others."""
    return settings.FANOUT_RETRY_SECONDS


def claim(chunks, *, order_by=("id",)):
    """The next undone chunk of ``chunks`` (a queryset of one run's chunks), locked for this
    transaction; None when every undone chunk is done or held by another process."""
    return (chunks.select_for_update(skip_locked=True).filter(done_at__isnull=True)
            .order_by(*order_by).first())


def chunk_done(run, chunk, fields=()):
    """Mark ``chunk`` done (with the counters in ``fields``) and count it on its run."""
    from django.utils import timezone

    chunk.done_at = timezone.now()
    chunk.save(update_fields=["done_at", *fields])
    type(run)._base_manager.filter(pk=run.pk).update(chunks_done=F("chunks_done") + 1)


def process_next(run, chunks, work, *, order_by=("id",), guard=None) -> bool:
    """Claim one undone chunk and ``work(run, chunk)`` on it in one transaction (``work``
    marks it done, with ``chunk_done``); False when none is left to claim, or when
    ``guard(run)`` (called first, in the same transaction) says the run is no longer open."""
    with transaction.atomic():
        if guard is not None and not guard(run):
            return False
        chunk = claim(chunks, order_by=order_by)
        if chunk is None:
            return False
        work(run, chunk)
    return True


def drain(run, *, step, finish, progress=None):
    """``step(run)`` until it finds no chunk, then ``finish(run)`` (returns the run)."""
    started = time.monotonic()
    while step(run):
        if progress is not None:
            run.refresh_from_db(fields=["chunks_done", "chunks_total"])
            progress(run, time.monotonic() - started)
    return finish(run)


def share(task, run, *, drain, done):
    """A helper task's share of an open run: drain it; while it is not closed (a chunk
    still held, perhaps by a worker that died), retry the task a few seconds later."""
    run = drain(run)
    if not done(run):
        raise task.retry(countdown=retry_seconds())
    return run


def start_helpers(task, run, helpers):
    """Ask ``helpers`` more workers (``task.delay(run.pk)``) to share ``run``."""
    for _ in range(helpers):
        task.delay(run.pk)


def check_later(task, run):
    """The opener found chunks held by others: a helper looks again until the run closes."""
    task.apply_async((run.pk,), countdown=retry_seconds())
