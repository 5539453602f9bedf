"""Celery wrappers: take ids, load rows, call the service (no business logic here)."""

import datetime

from celery import shared_task
from django.contrib.auth import get_user_model

from .control import month_control
from .importer.service import case_import
from .models import CaseImportRun


@shared_task(name="monitoring.case_import", acks_late=True)
def case_import_task(run_id):
    """Load the uploaded file of an import run (its status and progress are on the run)."""
    run = CaseImportRun.objects.get(pk=run_id)
    return case_import(run=run, path=run.file.path).status


@shared_task(name="monitoring.month_control", acks_late=True)
def month_control_task(period, user_id=None):
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return month_control(period=datetime.date.fromisoformat(period), acting_user=user).pk
