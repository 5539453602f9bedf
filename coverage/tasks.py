"""Celery tasks of coverage: thin wrappers around ``services`` and ``recompute``.

The status run is fanned out to any number of workers: the nightly task opens the run (its
chunks are id ranges, or the touched persons cut in pieces) and asks ``helpers`` more
workers to share it; each takes one undone chunk at a time (``SELECT … FOR UPDATE SKIP
LOCKED``) and finishes it in one transaction, so a chunk is done once whatever the number
of workers, redeliveries or retries (idempotent by run and chunk). Messages are
acknowledged late with one prefetched per worker (settings) and requeued when a worker
process is lost. A worker killed in the middle of a chunk rolls that chunk back; a worker
that finds the remaining chunks held by others looks again a few seconds later
(``COVERAGE_CHUNK_RETRY_SECONDS``) until the run is closed, so the chunk of a dead worker
is taken over as soon as its transaction is gone.
"""

from celery import shared_task
from django.conf import settings

from . import recompute, services
from .models import RecomputeRun

RETRY_LIMIT = 720  # looks again for at most this many times (an hour at 5 s)


def _retry_seconds():
    return getattr(settings, "COVERAGE_CHUNK_RETRY_SECONDS", 5)


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
        for _ in range(helpers):
            recompute_chunks_task.delay(run.pk)

    options = {"chunk_size": chunk_size} if chunk_size else {}
    run = services.status_recompute(on=day, full=full, acting_user=user, on_open=start_helpers,
                                    **options)
    if run.status != RecomputeRun.Status.DONE:  # chunks held by others: see they get done
        recompute_chunks_task.apply_async((run.pk,), countdown=_retry_seconds())
    return {"run": run.pk, "persons": run.persons, "changed": run.changed}


@shared_task(name="coverage.recompute_chunks", bind=True, acks_late=True,
             reject_on_worker_lost=True, max_retries=RETRY_LIMIT)
def recompute_chunks_task(self, run_id):
    """An extra worker's share of an open run: claims chunks until none is left, then, while
    the run is not closed (a chunk still held, perhaps by a worker that died), looks again."""
    run = RecomputeRun.objects.get(pk=run_id)
    run = recompute.drain(run)
    if run.status != RecomputeRun.Status.DONE:
        raise self.retry(countdown=_retry_seconds())
    return {"run": run.pk, "status": run.status}
