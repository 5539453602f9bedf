"""What monitoring asks the back office: is it healthy? (``GET /health/``)

Checks, each ``{"ok": bool, …}`` with counts, ages and names only — nothing personal:

* ``database``: a round trip to the default database;
* ``broker``: a connection to the Celery broker, when one is configured;
* ``jobs``: for every nightly (or monthly) job the apps declare, the age of its last
  successful run against its limit (``HEALTH_NIGHTLY_MAX_AGE_HOURS``, …), and the runs
  failed or stuck (still running past ``HEALTH_STUCK_AFTER_HOURS``) in the last days;
* ``reference``: the reference data the rules read is present (ICD-10 codes, the status
  policy and rates in force today, …);
* ``replica``: the replication lag, when a ``replica`` database is configured.

Apps declare their jobs and reference checks in their own ``health.py`` (``JOBS``, a list
of ``Job``; ``REFERENCES``, a list of ``Reference``): core reads them through extension
points and never imports an app. A job's success is seen in the ``JobRun`` rows the Celery
worker writes (``osms.core.jobs``) and in the app's own run records (a run started from
the admin or a command counts too).
"""

import datetime
import time
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.models import Max, Q
from django.utils import timezone

from .extensions import ExtensionPoint
from .jobs import JobRun

HEALTH_JOBS = ExtensionPoint(
    "health: jobs", module="health", attribute="JOBS",
    signature="list of osms.core.health.Job (the app's scheduled jobs and import runs)")
HEALTH_REFERENCES = ExtensionPoint(
    "health: reference data", module="health", attribute="REFERENCES",
    signature="list of osms.core.health.Reference (a callable today -> (ok, detail))")

PROBLEM_DAYS = 30  # failed and stuck runs of this many days are listed


@dataclass(frozen=True)
class Job:
    """A job whose runs are watched.

    ``task``: its Celery task name (``JobRun`` rows); ``model``: its own run record
    (``"app.Model"``) with ``status`` values ``done``/``failed``/``running``, narrowed by
    ``only`` (a dict of lookups). ``every``: "nightly", "monthly" or "" (runs on demand:
    failures listed, age not checked).
    """

    key: str
    title: str
    task: str = ""
    model: str = ""
    only: dict = field(default_factory=dict)
    every: str = "nightly"
    done: tuple = ("done",)
    failed: tuple = ("failed",)
    running: tuple = ("running", "pending")

    def max_age(self):
        if self.every == "monthly":
            return datetime.timedelta(days=settings.HEALTH_MONTHLY_MAX_AGE_DAYS)
        if self.every == "nightly":
            return datetime.timedelta(hours=settings.HEALTH_NIGHTLY_MAX_AGE_HOURS)
        return None

    def run_model(self):
        return apps.get_model(self.model) if self.model else None


@dataclass(frozen=True)
class Reference:
    key: str
    check: object  # callable(today) -> (ok, detail)


def _fields(model):
    names = {f.name for f in model._meta.get_fields()}
    started = "started_at" if "started_at" in names else "created_at"
    finished = "finished_at" if "finished_at" in names else started
    return started, finished


def _sources(job):
    """(model, base queryset, started field, finished field) of each place runs are seen."""
    found = []
    if job.task:
        found.append((JobRun, JobRun.objects.filter(task=job.task), "started_at",
                      "finished_at", JobRun.Status.DONE, JobRun.Status.FAILED,
                      (JobRun.Status.RUNNING,)))
    model = job.run_model()
    if model is not None:
        started, finished = _fields(model)
        found.append((model, model._default_manager.filter(**job.only), started, finished,
                      job.done, job.failed, job.running))
    return found


def last_success(job):
    moments = []
    for _model, runs, _started, finished, done, _failed, _running in _sources(job):
        status = Q(status=done) if isinstance(done, str) else Q(status__in=done)
        moments.append(runs.filter(status).aggregate(at=Max(finished))["at"])
    moments = [m for m in moments if m is not None]
    return max(moments) if moments else None


def problem_runs(job, *, now=None, days=PROBLEM_DAYS):
    """[(model, run, "failed" | "stuck")] of the last ``days``, newest first."""
    now = now or timezone.now()
    stuck_before = now - datetime.timedelta(hours=settings.HEALTH_STUCK_AFTER_HOURS)
    since = now - datetime.timedelta(days=days)
    found = []
    for model, runs, started, _finished, _done, failed, running in _sources(job):
        recent = runs.filter(**{f"{started}__gte": since})
        failed_q = Q(status=failed) if isinstance(failed, str) else Q(status__in=failed)
        stuck_q = Q(status__in=running) & Q(**{f"{started}__lt": stuck_before})
        for run in recent.filter(failed_q | stuck_q).order_by(f"-{started}")[:20]:
            kind = "stuck" if run.status in running else "failed"
            found.append((model, run, kind, getattr(run, started)))
    found.sort(key=lambda item: item[3], reverse=True)
    return [(model, run, kind) for model, run, kind, _at in found]


def check_jobs(now=None):
    now = now or timezone.now()
    result, ok = {}, True
    for job in HEALTH_JOBS:
        try:
            entry = _job_entry(job, now)
        except Exception as exc:  # a broken check is a failing check, never a 500
            entry = {"ok": False, "error": type(exc).__name__}
        ok = ok and entry["ok"]
        result[job.key] = entry
    return {"ok": ok, "jobs": result}


def _job_entry(job, now):
    """A job is healthy when it has no stuck run and, if it is scheduled, its last success
    is within its limit (a failed run followed by a good one is history, not a failure)."""
    limit = job.max_age()
    problems = problem_runs(job, now=now)
    entry = {"failed_last_30_days": sum(1 for p in problems if p[2] == "failed"),
             "stuck": sum(1 for p in problems if p[2] == "stuck")}
    if limit is None:
        entry["ok"] = entry["stuck"] == 0
        return entry
    last = last_success(job)
    age = (now - last) if last else None
    entry.update(
        last_success=last.isoformat() if last else None,
        age_hours=round(age.total_seconds() / 3600, 1) if age is not None else None,
        max_age_hours=round(limit.total_seconds() / 3600, 1),
        ok=age is not None and age <= limit and entry["stuck"] == 0)
    return entry


def check_database():
    started = time.monotonic()
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def check_broker():
    if not settings.CELERY_BROKER_URL or settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "configured": False}
    from celery import current_app as app  # the project's app (osms/celery.py) once loaded

    started = time.monotonic()
    try:
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
    except Exception as exc:
        return {"ok": False, "configured": True, "error": type(exc).__name__}
    return {"ok": True, "configured": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def check_references(today=None):
    today = today or timezone.localdate()
    result, ok = {}, True
    for reference in HEALTH_REFERENCES:
        try:
            good, detail = reference.check(today)
        except Exception as exc:
            good, detail = False, type(exc).__name__
        result[reference.key] = {"ok": bool(good), "detail": detail}
        ok = ok and bool(good)
    return {"ok": ok, "items": result}


REPLICA_LAG = """
SELECT pg_is_in_recovery(),
       COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
"""


def check_replica(alias="replica"):
    if alias not in connections.databases:
        return {"ok": True, "configured": False}
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(REPLICA_LAG)
            in_recovery, lag = cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "configured": True, "error": type(exc).__name__}
    limit = settings.HEALTH_REPLICA_MAX_LAG_SECONDS
    return {"ok": bool(in_recovery) and float(lag) <= limit, "configured": True,
            "in_recovery": bool(in_recovery), "lag_seconds": round(float(lag), 1),
            "max_lag_seconds": limit}


def health_report():
    """{"status": "ok" | "failing", "failing": ["jobs:payers.arrears", …], "checks": {…}}."""
    checks = {"database": check_database()}
    if checks["database"]["ok"]:
        checks["jobs"] = check_jobs()
        checks["reference"] = check_references()
    checks["broker"] = check_broker()
    checks["replica"] = check_replica()
    failing = []
    for name, check in checks.items():
        if check["ok"]:
            continue
        parts = check.get("jobs") or check.get("items") or {}
        failing += [f"{name}:{key}" for key, part in parts.items() if not part["ok"]] or [name]
    return {"status": "failing" if failing else "ok", "failing": failing,
            "time": timezone.now().isoformat(), "checks": checks}


def _regions(today):
    count = apps.get_model("core", "Region").objects.count()
    return count > 0, {"regions": count}


REFERENCES = [Reference("regions", _regions)]
