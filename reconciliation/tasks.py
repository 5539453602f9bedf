"""Celery tasks: thin wrappers that take ids or ISO dates and call the jobs."""

import datetime

from celery import shared_task
from django.contrib.auth import get_user_model

from . import jobs
from .models import ReconciliationRun
from .reconcile import reconcile_period


@shared_task(name="reconciliation.reconcile_period")
def reconcile_period_task(period, user_id=None):
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    run = reconcile_period(
        period=datetime.date.fromisoformat(period), trigger=ReconciliationRun.Trigger.MANUAL,
        acting_user=user,
    )
    return run.pk


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
