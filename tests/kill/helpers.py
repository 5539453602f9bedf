"""Kill tests: a job run as a real process, SIGKILLed mid-way, then run again.

The data is committed (transactional tests), copied into a twin database before the
interrupted run (``CREATE DATABASE … TEMPLATE``), where the same job runs without
interruption; the two results must be equal. "Mid-way" is made certain, not timed: the
test holds a row lock the job needs in the middle of its work, waits until the job's run
record shows the work done so far and its database session waits on that lock, and kills
the process there (``kill -9``).
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg
from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[2]
SERVER = "postgres://postgres@127.0.0.1:5432"


def database_name():
    return connection.settings_dict["NAME"]


def database_url(name):
    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def connect(name, **kwargs):
    return psycopg.connect(database_url(name), **kwargs)


@contextmanager
def twin_database():
    """A copy of the test database as it is now; dropped afterwards."""
    source = database_name()
    twin = f"{source}_twin"
    connections.close_all()  # a template may have no other session
    with connect("postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{twin}" WITH (FORCE)')
        for attempt in range(10):  # a session closing in another thread may linger a moment
            try:
                admin.execute(f'CREATE DATABASE "{twin}" TEMPLATE "{source}"')
                break
            except psycopg.errors.ObjectInUse:
                if attempt == 3:
                    # An idle session left by a finished context of this process (a test's
                    # ORM calls inside an event loop open a connection of their own, never
                    # closed; other threads close theirs after each request in tests).
                    admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = %s AND state = 'idle'", [source])
                if attempt == 9:
                    others = admin.execute(
                        "SELECT application_name, state, backend_start, left(query, 80) "
                        "FROM pg_stat_activity WHERE datname = %s", [source]).fetchall()
                    raise AssertionError(f"other sessions on {source}: {others}") from None
                time.sleep(0.5)
    try:
        yield twin
    finally:
        with connect("postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{twin}" WITH (FORCE)')


def _env(name):
    env = {**os.environ, "DATABASE_URL": database_url(name),
           "DJANGO_SETTINGS_MODULE": "osms.settings", "PYTHONPATH": str(ROOT)}
    env.pop("CELERY_BROKER_URL", None)
    return env


def manage(name, *args, timeout=60):
    """Run a management command on database ``name`` to its end; its output."""
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=_env(name),
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def finish(process, timeout=60):
    """Wait for a job started with ``start`` and check it ended well."""
    _out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err.decode()[-3000:]


def start(name, *args):
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=_env(name),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_for(condition, *, timeout=40, what="the condition", process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the job ended ({process.returncode}) before {what}: "
                                 f"{process.stderr.read().decode()[-2000:]}")
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def sessions_waiting_on_a_lock(observer, name):
    return observer.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = "
        "'Lock' AND pid <> pg_backend_pid()", [name]).fetchone()[0]


def kill_and_reap(process, observer, name, holder):
    """SIGKILL the job, release the lock it waits for, and wait until its database
    session is gone (its transaction rolled back)."""
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    holder.rollback()
    holder_pid = holder.info.backend_pid

    def others():
        return observer.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
            "AND pid NOT IN (pg_backend_pid(), %s) AND backend_type = 'client backend'",
            [name, holder_pid]).fetchone()[0]

    try:
        wait_for(lambda: others() == 0, timeout=20, what="the killed job's session to end")
    except AssertionError:  # a session that missed the hang-up: end it as a DBA would
        observer.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                         "datname = %s AND pid NOT IN (pg_backend_pid(), %s)",
                         [name, holder_pid])
        wait_for(lambda: others() == 0, timeout=10, what="the killed session to end")


def kill_the_worker_waiting_in_a_chunk(observer, name, workers, *, run_table, run_filter,
                                       params, holder):
    """A fan-out run has finished a chunk and one of ``workers`` (Celery processes by their
    application name) waits for the row ``holder`` locks, in the middle of its chunk: SIGKILL
    that worker, release the row and return the victim's name. ``run_filter`` selects the
    running run of ``run_table`` (``params`` fill it)."""

    def blocked_worker():
        run = observer.execute(f"SELECT chunks_done FROM {run_table} WHERE status = 'running' "
                               f"AND {run_filter}", params).fetchone()
        waiting = observer.execute(
            "SELECT application_name FROM pg_stat_activity WHERE datname = %s AND "
            "wait_event_type = 'Lock' AND application_name = ANY(%s)",
            [name, list(workers)]).fetchone()
        return waiting[0] if run and run[0] >= 1 and waiting else None

    for process in workers.values():
        assert process.poll() is None, process.stderr.read().decode()[-2000:]
    victim = wait_for(blocked_worker, timeout=60, what="a worker to wait in the third chunk")
    os.kill(workers[victim].pid, signal.SIGKILL)
    workers[victim].wait(timeout=10)
    holder.rollback()  # the killed session goes on, fails to answer, rolls back
    return victim


def rows(name, sql, params=()):
    with connect(name) as conn:
        return sorted(conn.execute(sql, params).fetchall(), key=repr)
