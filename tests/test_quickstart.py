"""The quick start's background work: a real Celery worker on kombu's filesystem transport,
and SQLite shared by two processes without "database is locked".

``scripts/quickstart`` serves with ``CELERY_BROKER_URL=filesystem://`` and starts
``celery -A osms worker`` beside the dev server (settings: the "Quick start" block).
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from osms.exports.models import ExportJob
from tests.factories import PersonFactory

ROOT = Path(__file__).resolve().parent.parent
WORKER_TIMEOUT = 90  # seconds: start-up of two Django processes on a busy 2-core machine


def _sqlite_alias(path, name):
    """A Django database alias for the SQLite file ``path`` with the quick start's options."""
    connections.settings[name] = {
        **connections.settings["default"], "NAME": str(path),
        "ENGINE": "django.db.backends.sqlite3", "OPTIONS": dict(settings.SQLITE_OPTIONS),
        "CONN_MAX_AGE": 0, "TEST": {},
    }
    return name


def test_two_writers_on_sqlite_wait_for_each_other_instead_of_failing(tmp_path, django_db_blocker):
    """The web server reads then writes in one transaction while the worker commits a write.
    With the rollback journal and deferred transactions one of them got "database is locked"
    at once: the busy timeout does not help a read lock that must become a write lock."""
    path = tmp_path / "quickstart.sqlite3"
    web_alias, worker_alias = _sqlite_alias(path, "qs_web"), _sqlite_alias(path, "qs_worker")
    web_has_read, errors = threading.Event(), []

    def web():  # the dev server: read the job, think, write
        try:
            with transaction.atomic(using=web_alias), connections[web_alias].cursor() as cursor:
                cursor.execute("SELECT rows_done FROM job WHERE id = 1")
                web_has_read.set()
                time.sleep(0.5)
                cursor.execute("UPDATE job SET rows_done = rows_done + 1 WHERE id = 1")
        except Exception as exc:  # recorded: the assertion names it
            errors.append(f"web: {exc}")
        finally:
            web_has_read.set()
            connections[web_alias].close()

    def worker():  # the Celery worker: write progress as soon as the web has read
        web_has_read.wait(5)
        try:
            with transaction.atomic(using=worker_alias), \
                    connections[worker_alias].cursor() as cursor:
                cursor.execute("UPDATE job SET rows_done = rows_done + 100 WHERE id = 1")
        except Exception as exc:
            errors.append(f"worker: {exc}")
        finally:
            connections[worker_alias].close()

    try:
        with django_db_blocker.unblock():
            with connections[web_alias].cursor() as cursor:
                cursor.execute("CREATE TABLE job (id INTEGER PRIMARY KEY, rows_done INTEGER)")
                cursor.execute("INSERT INTO job VALUES (1, 0)")
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal"
            connections[web_alias].close()
            threads = [threading.Thread(target=web), threading.Thread(target=worker)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
            assert errors == []
            with connections[web_alias].cursor() as cursor:
                cursor.execute("SELECT rows_done FROM job WHERE id = 1")
                assert cursor.fetchone()[0] == 101
            connections[web_alias].close()
    finally:
        for alias in (web_alias, worker_alias):
            connections.settings.pop(alias, None)


def _database_url():
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _quickstart_env(tmp_path):
    """The environment ``scripts/quickstart`` serves with, on this test's database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "EXPORTS_"))}
    env.update(DATABASE_URL=_database_url(), DJANGO_SETTINGS_MODULE="osms.settings",
               CELERY_BROKER_URL="filesystem://", CELERY_BROKER_FOLDER=str(tmp_path / "broker"),
               MEDIA_ROOT=str(tmp_path / "media"), EXPORTS_SYNC_MAX_ROWS="1",
               EXPORTS_PROGRESS_EVERY="1", LOG_LEVEL="WARNING")
    return env


REQUEST_EXPORT = """
from django.contrib import admin
from osms.core.models import User
from osms.exports.services import export_request
from osms.exports.tasks import export_queue
from payers.models import Person
job = export_request(acting_user=User.objects.get(username="{user}"),
                     model_admin=admin.site._registry[Person], querystring="", file_format="xlsx",
                     queue=export_queue)
job.refresh_from_db()
print("JOB", job.pk, job.status, job.celery_task_id)
"""


@pytest.mark.postgresql  # the worker is another process: it needs the test database by name
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_export_runs_through_a_real_worker_on_the_filesystem_broker(tmp_path, analyst):
    """As on the quick start: the web process queues the export (it does not run it), the
    worker started as ``scripts/quickstart`` starts it takes it from the broker folder and
    writes the file; the job goes queued → done, off the request."""
    for name in ("Ахметова", "Бекова", "Серикбаев"):
        PersonFactory(last_name=name)
    env = _quickstart_env(tmp_path)
    python = str(ROOT / ".venv/bin/python") if (ROOT / ".venv/bin/python").exists() else sys.executable
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [python, "-m", "celery", "-A", "osms", "worker", "--pool", "solo", "--without-mingle",
         "--without-gossip", "--loglevel", "INFO", "--logfile", str(log)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        web = subprocess.run(
            [python, "manage.py", "shell", "-c", REQUEST_EXPORT.format(user=analyst.username)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=WORKER_TIMEOUT)
        assert web.returncode == 0, web.stderr[-2000:]
        job_id, status, task_id = web.stdout.split("JOB", 1)[1].split()
        assert status == ExportJob.Status.QUEUED and task_id  # queued on the broker, not run
        deadline, job = time.monotonic() + WORKER_TIMEOUT, None
        while time.monotonic() < deadline:
            job = ExportJob.objects.get(pk=job_id)
            if job.status not in ExportJob.ACTIVE:
                break
            time.sleep(0.2)
        assert job.status == ExportJob.Status.DONE, (job.status, job.error, _tail(log))
        assert job.rows_done == job.rows_total == 3 and not job.ran_synchronously
        assert (tmp_path / "media" / job.file.name).stat().st_size == job.file_size > 0
        assert f"exports.export_run[{task_id}] succeeded" in log.read_text()
    finally:
        worker.terminate()  # warm shutdown, as the quick start's trap does
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    assert worker.returncode == 0


def _tail(path):
    return path.read_text()[-3000:] if path.exists() else "(no worker log)"
