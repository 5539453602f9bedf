"""Celery tasks: thin wrappers that take ids or ISO dates and call the jobs.

A reconciliation run is fanned out to any number of workers as the status run is
(``osms.core.fanout``): the task opens the run (chunks of employers) and asks ``helpers``
more workers to share it; each takes one undone chunk at a time and finishes it in one
transaction. Messages are acknowledged late, one prefetched per worker (settings), and
requeued when a worker process is lost; a worker that finds the remaining chunks held by
others looks again every ``FANOUT_RETRY_SECONDS`` until the run is closed.
"""

import datetime

from celery import shared_task
from django.contrib.auth import get_user_model

from osms.core import fanout

from . import jobs, reconcile
from .models import ReconciliationRun
from .reconcile import reconcile_period


@shared_task(name="reconciliation.reconcile_period", acks_late=True,
             reject_on_worker_lost=True)
def reconcile_period_task(period, user_id=None, helpers=0, chunk_size=None, employers=None):
    """Reconcile ``period`` (ISO date), shared with ``helpers`` more workers; ``employers``:
    only these BINs."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    options = {"chunk_size": chunk_size} if chunk_size else {}
    run = reconcile_period(
        period=datetime.date.fromisoformat(period), trigger=ReconciliationRun.Trigger.MANUAL,
        acting_user=user, employers=employers,
        on_open=lambda run: fanout.start_helpers(reconcile_chunks_task, run, helpers),
        **options,
    )
    if run.status == ReconciliationRun.Status.RUNNING:  # chunks held by others
        fanout.check_later(reconcile_chunks_task, run)
    return run.pk


@shared_task(name="reconciliation.reconcile_chunks", bind=True, acks_late=True,
             reject_on_worker_lost=True, max_retries=fanout.RETRY_LIMIT)
def reconcile_chunks_task(self, run_id):
    """An extra worker's share of an open run: chunks until none is left, then, while the
    run is not closed (a chunk still held, perhaps by a worker that died), looks again."""
    run = fanout.share(self, ReconciliationRun.objects.get(pk=run_id), drain=reconcile.drain,
                       done=lambda run: run.status != ReconciliationRun.Status.RUNNING)
    return {"run": run.pk, "status": run.status}


@shared_task(name="reconciliation.reconcile_closed_period")
def reconcile_closed_period_task():
    return jobs.reconcile_closed_period().pk


@shared_task(name="reconciliation.reconcile_late_data")
def reconcile_late_data_task():
    return [run.pk for run in jobs.reconcile_late_data()]


@shared_task(name="reconciliation.declarations_import")
def declarations_import_task(run_id):
    """Load the declarations file uploaded for run ``run_id`` (progress is written on it)."""
    from .importer import declaration_run_process
    from .models import DeclarationImportRun

    run = DeclarationImportRun.objects.get(pk=run_id)
    if run.status != DeclarationImportRun.Status.PENDING:
        return run.status  # a redelivered message never imports twice
    return declaration_run_process(run).status
