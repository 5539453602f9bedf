"""Celery tasks of coverage: thin wrappers around ``services`` and ``recompute``."""

from celery import shared_task

from . import recompute, services
from .models import RecomputeRun


@shared_task(name="coverage.recompute_statuses")
def recompute_statuses_task(on=None, full=False, acting_user_id=None, helpers=0):
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

    run = services.status_recompute(on=day, full=full, acting_user=user, on_open=start_helpers)
    return {"run": run.pk, "persons": run.persons, "changed": run.changed}


@shared_task(name="coverage.recompute_chunks")
def recompute_chunks_task(run_id):
    """An extra worker's share of an open run: claims chunks until none is left."""
    run = RecomputeRun.objects.get(pk=run_id)
    run = recompute.drain(run)
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
