"""Runs of the scheduled jobs, as the Celery worker saw them.

Each task of the beat schedule (``osms/celery.py``: the status recomputation, the
reconciliations, the arrears, the export clean-up) leaves one ``JobRun`` row: written
``running`` when a worker starts it, ``done`` or ``failed`` (with the error) when it ends.
A worker killed mid-way leaves its row ``running``: past the job's time it shows as stuck.
The health check (``osms.core.health``) reads the last successful run of each nightly job;
the dashboard lists the failed and stuck ones. The apps' own run records (recomputation
runs, reconciliation runs, imports) say what a run did; this says that it ran at all —
the nightly reconciliation of late data, for one, leaves no run of its own on a night
without late data.
"""

import sys

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    task = models.CharField(_("task"), max_length=100)
    task_id = models.CharField(_("Celery task id"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.RUNNING)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("scheduled job run")
        verbose_name_plural = _("scheduled job runs")
        ordering = ["-id"]
        indexes = [models.Index(fields=["task", "status", "-id"], name="jobrun_task_idx")]

    def __str__(self):
        return f"{self.task} {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"


def scheduled_tasks():
    """The task names of the beat schedule."""
    from celery import current_app  # osms/celery.py sets its beat_schedule

    return {entry["task"] for entry in current_app.conf.beat_schedule.values()}


_open: dict[str, int] = {}  # Celery task id → JobRun id, in the worker process
_errors: dict[str, str] = {}


def _started(sender=None, task_id=None, task=None, **kwargs):
    if task is None or task.name not in scheduled_tasks():
        return
    hostname = getattr(getattr(task, "request", None), "hostname", "") or ""
    run = JobRun.objects.create(task=task.name, task_id=task_id or "", worker=hostname[:200])
    _open[task_id] = run.pk


def _failed(sender=None, task_id=None, exception=None, **kwargs):
    if task_id in _open:
        _errors[task_id] = f"{type(exception).__name__}: {exception}"[:5000]


def _finished(sender=None, task_id=None, task=None, state=None, **kwargs):
    run_id = _open.pop(task_id, None)
    if run_id is None:
        return
    error = _errors.pop(task_id, "")
    in_flight = sys.exc_info()[1]  # an eager task raising to its caller sends no failure
    if not error and state is None and in_flight is not None:
        error = f"{type(in_flight).__name__}: {in_flight}"[:5000]
    failed = bool(error) or state not in (None, "SUCCESS")
    JobRun.objects.filter(pk=run_id).update(
        status=JobRun.Status.FAILED if failed else JobRun.Status.DONE,
        finished_at=timezone.now(), error=error or ("" if not failed else str(state)))


def connect_signals():
    from celery.signals import task_failure, task_postrun, task_prerun

    task_prerun.connect(_started, weak=False, dispatch_uid="osms-jobrun-start")
    task_failure.connect(_failed, weak=False, dispatch_uid="osms-jobrun-failure")
    task_postrun.connect(_finished, weak=False, dispatch_uid="osms-jobrun-finish")
