"""Celery tasks of coverage: thin wrappers around ``services`` and ``recompute``.

The status run is fanned out to any number of workers: the nightly task opens the run (its
chunks are id ranges, or the touched persons cut in pieces) and asks ``helpers`` more
workers to share it; each takes one undone chunk at a time (``SELECT … FOR UPDATE SKIP
LOCKED``) and finishes it in one transaction, so a chunk is done once whatever the number
of workers, redeliveries or retries (idempotent by run and chunk). Messages are
acknowledged late with one prefetched per worker (settings) and requeued when a worker
process is lost. A worker killed in the middle of a chunk rolls that chunk back; a worker
that finds the remaining chunks held by others looks again a few seconds later
(``FANOUT_RETRY_SECONDS``; ``osms.core.fanout``) until the run is closed, so the chunk of a dead worker
is taken over as soon as its transaction is gone.
"""

from celery import shared_task

from osms.core import fanout

from . import recompute, services
from .models import RecomputeRun


@shared_task(name="coverage.recompute_statuses", acks_late=True, reject_on_worker_lost=True)
def recompute_statuses_task(on=None, full=False, acting_user_id=None, helpers=0,
                            chunk_size=None):
    """The nightly job (beat): resume an unfinished run, then recompute as of today.

    ``helpers`` more workers are asked to share each run's chunks.
    """
    import datetime

    from osms.core.models import User

    user = User.objects.filter(pk=acting_user_id).first() if acting_user_id else None
    day = datetime.date.fromisoformat(on) if on else None

    def start_helpers(run):
        fanout.start_helpers(recompute_chunks_task, run, helpers)

    options = {"chunk_size": chunk_size} if chunk_size else {}
    run = services.status_recompute(on=day, full=full, acting_user=user, on_open=start_helpers,
                                    **options)
    if run.status != RecomputeRun.Status.DONE:  # chunks held by others: see they get done
        fanout.check_later(recompute_chunks_task, run)
    return {"run": run.pk, "persons": run.persons, "changed": run.changed}


@shared_task(name="coverage.recompute_chunks", bind=True, acks_late=True,
             reject_on_worker_lost=True, max_retries=fanout.RETRY_LIMIT)
def recompute_chunks_task(self, run_id):
    """An extra worker's share of an open run: claims chunks until none is left, then, while
    the run is not closed (a chunk still held, perhaps by a worker that died), looks again."""
    run = fanout.share(self, RecomputeRun.objects.get(pk=run_id), drain=recompute.drain,
                       done=lambda run: run.status == RecomputeRun.Status.DONE)
    return {"run": run.pk, "status": run.status}


@shared_task(name="coverage.category_feed_import")
def category_feed_import_task(run_id):
    """Load the partner file uploaded for feed run ``run_id`` (progress is written on it)."""
    from .feeds import category_feed_run_process
    from .models import CategoryFeedRun

    run = CategoryFeedRun.objects.get(pk=run_id)
    if run.status != CategoryFeedRun.Status.PENDING:
        return run.status  # a redelivered message never imports twice
    return category_feed_run_process(run).status
