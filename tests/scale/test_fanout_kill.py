"""The status run fanned out to two real Celery workers, one SIGKILLed in the middle of a
chunk: the run completes, with statuses, history and run totals equal to a one-process run
(issue 19, item 5).

Two ``celery worker`` processes (solo pool, one prefetched message, late acknowledgement)
listen on a Redis database of their own. The test holds a lock on a status row of the third
chunk, sends the nightly task with one helper, waits until one worker's session waits on
that lock with chunks already done, kills that worker and releases the lock: the killed
chunk rolls back and the other worker takes it over (it looks again for held chunks every
second here). The same night runs uninterrupted in one process on a copy of the database.
"""

import datetime
import os
import signal
import subprocess
import sys

import pytest
import redis
from celery import Celery
from django.db import connections

from tests.coverage.population import generate
from tests.kill.helpers import (
    ROOT,
    connect,
    database_name,
    database_url,
    kill_the_worker_waiting_in_a_chunk,
    manage,
    rows,
    twin_database,
    wait_for,
)
from tests.kill.test_recompute_kill import HISTORY, RUN, STATUS, _new_data

pytestmark = [pytest.mark.postgresql,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BROKER = os.environ.get("SCALE_TEST_BROKER", "redis://127.0.0.1:6379/13")
BEFORE = datetime.date(2026, 9, 20)
ON = datetime.date(2026, 11, 23)
CHUNK = 100


def _worker(name, database):
    env = {**os.environ, "DATABASE_URL": database_url(database), "CELERY_BROKER_URL": BROKER,
           "DJANGO_SETTINGS_MODULE": "osms.settings", "PYTHONPATH": str(ROOT),
           "PGAPPNAME": name, "FANOUT_RETRY_SECONDS": "1", "DB_CONN_MAX_AGE": "0"}
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "osms", "worker", "--pool", "solo",
         "--prefetch-multiplier", "1", "-n", f"{name}@scale", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "-l", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _broker_ready():
    try:
        client = redis.Redis.from_url(BROKER)
        client.ping()
        return client
    except redis.RedisError:
        return None


@pytest.mark.usefixtures("broker_alone")
def test_a_worker_killed_mid_chunk_leaves_the_run_to_the_other_with_the_same_result():
    client = _broker_ready()
    if client is None:
        pytest.skip(f"no Redis at {BROKER} (SCALE_TEST_BROKER)")
    client.flushdb()
    persons = generate(seed=29, size=330, around=ON)
    from coverage import services

    services.status_recompute(on=BEFORE, full=True, chunk_size=CHUNK)
    _new_data(persons)
    victim = persons[250]  # in the third chunk of person ids
    name = database_name()
    connections.close_all()
    with twin_database() as twin:
        manage(twin, "recompute_statuses", "--on", ON.isoformat(), "--full",
               "--chunk-size", str(CHUNK))  # the same night in one process
        workers = {label: _worker(label, name) for label in ("scale-w1", "scale-w2")}
        try:
            with connect(name, autocommit=True) as observer, connect(name) as holder:
                holder.execute("SELECT 1 FROM coverage_coveragestatus WHERE person_id = %s "
                               "FOR UPDATE", [victim.pk])
                Celery(broker=BROKER).send_task(
                    "coverage.recompute_statuses",
                    kwargs={"on": ON.isoformat(), "full": True, "helpers": 1,
                            "chunk_size": CHUNK})

                kill_the_worker_waiting_in_a_chunk(
                    observer, name, workers, run_table="coverage_recomputerun",
                    run_filter='"on" = %s', params=[ON], holder=holder)
                status = wait_for(lambda: observer.execute(
                    "SELECT status FROM coverage_recomputerun WHERE \"on\" = %s AND status = "
                    "'done'", [ON]).fetchone(), timeout=60, what="the run to complete")
                assert status == ("done",)
        finally:
            for process in workers.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in workers.values():
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            client.flushdb()
        assert rows(name, STATUS) == rows(twin, STATUS)
        assert rows(name, HISTORY, [ON]) == rows(twin, HISTORY, [ON])
        assert rows(name, RUN, [ON]) == rows(twin, RUN, [ON])
        assert len(rows(name, STATUS)) == len(persons)
