"""The dashboard panel of failed and stuck job runs (every job the apps declare to the
health check), each with a link to its run; shown to users who may view some run."""

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .health import HEALTH_JOBS, PROBLEM_DAYS, problem_runs
from .jobs import JobRun


def _may_view(user, model):
    return user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")


def _url(model, run):
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                       args=[run.pk])
    except NoReverseMatch:
        return ""


def failed_jobs_panel(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    now = timezone.now()
    rows, watched = [], 0
    for job in HEALTH_JOBS:
        models = [m for m in (JobRun if job.task else None, job.run_model()) if m is not None]
        if not any(_may_view(user, model) for model in models):
            continue
        watched += 1
        for model, run, kind in problem_runs(job, now=now):
            if not _may_view(user, model):
                continue
            started = getattr(run, "started_at", None) or getattr(run, "created_at", None)
            rows.append({
                "url": _url(model, run),
                "cells": [str(job.title), str(run),
                          _("stuck") if kind == "stuck" else _("failed"),
                          date_format(timezone.localtime(started), "SHORT_DATETIME_FORMAT")
                          if started else "",
                          (getattr(run, "error", "") or "")[:160]],
            })
    if not watched:
        return []
    panel = {"key": "failed_jobs", "title": _("Failed and stuck job runs"),
             "columns": [_("job"), _("job run"), _("state"), _("started"), _("error")],
             "rows": rows}
    if not rows:
        panel["cards"] = [{"label": _("Failed or stuck runs, last %(days)d days")
                           % {"days": PROBLEM_DAYS}, "value": 0, "note": ""}]
    return [panel]
