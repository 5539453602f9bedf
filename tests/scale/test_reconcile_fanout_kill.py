"""Reconciliation fanned out to two real Celery workers, one SIGKILLed in the middle of a
chunk: the run completes, with discrepancies (their workflow state kept), events,
collections and run totals equal to a one-process run (issue 19, item 5).

A month of 600 declaration lines of 30 employers (the benchmark's generator, every
discrepancy type planted) is reconciled once; an operator works on a finding and late
payments arrive. Two ``celery worker`` processes (solo pool, one prefetched message, late
acknowledgement) listen on a Redis database of their own. The test holds a lock on a
declaration line of the third chunk of employers (its person registered since: the chunk
gives it its person first), sends the reconciliation with one helper and chunks of about
100 lines, waits until one worker's session waits on that lock with a chunk already done,
kills that worker and releases the lock: the killed chunk rolls back and the other worker
takes it over. The same rerun goes uninterrupted in one process on a copy of the database.
"""

import importlib
import signal
import subprocess
import sys

import pytest
from celery import Celery
from django.db import connection, connections

from tests.kill.helpers import (
    ROOT,
    connect,
    database_name,
    kill_the_worker_waiting_in_a_chunk,
    manage,
    rows,
    twin_database,
    wait_for,
)
from tests.kill.test_reconcile_kill import COLLECTIONS, DISCREPANCIES, EVENTS, LAST_RUN

from .test_fanout_kill import BROKER, _broker_ready, _worker

pytestmark = [pytest.mark.postgresql,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHUNK = 100


def _generate():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        data = importlib.import_module("reconcile_data")
    finally:
        sys.path.remove(str(ROOT / "bench"))
    from reconciliation.terms import employee_terms

    data.generate(employees=600, per_employer=20, terms=employee_terms(data.JAN), seed=19)
    return data.JAN


def _third_chunk_line(period):
    """A declaration line of the third chunk's employers whose person is registered."""
    from reconciliation import reconcile_sql as q

    with connection.cursor() as cursor:
        cursor.execute(q.chunk_bounds_sql(), {"period": period, "size": CHUNK})
        bounds = [row[0] for row in cursor.fetchall()]
        assert len(bounds) >= 4, bounds
        cursor.execute("SELECT id FROM reconciliation_declaration WHERE period = %s AND "
                       "employer_bin >= %s AND employer_bin < %s AND person_id IS NOT NULL "
                       "ORDER BY id LIMIT 1", [period, bounds[1], bounds[2]])
        (line,) = cursor.fetchone()
        # its person registered after the line was loaded: the chunk refreshes it first
        cursor.execute("UPDATE reconciliation_declaration SET person_id = NULL WHERE id = %s",
                       [line])
    return line


@pytest.mark.usefixtures("broker_alone")
def test_a_worker_killed_mid_chunk_leaves_the_reconciliation_to_the_other():
    client = _broker_ready()
    if client is None:
        pytest.skip("no Redis broker (SCALE_TEST_BROKER)")
    client.flushdb()
    from reconciliation.models import Discrepancy
    from reconciliation.reconcile import reconcile_period

    period = _generate()
    first = reconcile_period(period=period, chunk_size=CHUNK)
    assert first.chunks_total >= 5 and first.found > 20
    # an operator works on a finding; a payment clears another; a line loses its person
    worked = Discrepancy.objects.filter(type="underpaid").order_by("id").first()
    Discrepancy.objects.filter(pk=worked.pk).update(status="notified", notes="письмо 19/2")
    unpaid = Discrepancy.objects.filter(type="declared_not_paid").order_by("id").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO payers_payment (person_id, iin, payer_code, period, kind, knp, amount,"
            " paid_on, document_no, note, posted_at) VALUES (%s, %s, %s, %s, %s, '121', %s,"
            " '2026-02-24', 'LATE-1', '', now())",
            [unpaid.person_id, unpaid.iin, unpaid.employer_bin, period, unpaid.kind,
             unpaid.amount])
    line = _third_chunk_line(period)
    name = database_name()
    connections.close_all()
    with twin_database() as twin:
        # the workers start while the same rerun goes in one process on the twin
        workers = {label: _worker(label, name) for label in ("recon-w1", "recon-w2")}
        try:
            manage(twin, "reconcile", "--period", f"{period:%Y-%m}", "--chunk-size", str(CHUNK))
            with connect(name, autocommit=True) as observer, connect(name) as holder:
                holder.execute("SELECT 1 FROM reconciliation_declaration WHERE id = %s "
                               "FOR UPDATE", [line])
                Celery(broker=BROKER).send_task(
                    "reconciliation.reconcile_period",
                    kwargs={"period": period.isoformat(), "helpers": 1, "chunk_size": CHUNK})

                kill_the_worker_waiting_in_a_chunk(
                    observer, name, workers, run_table="reconciliation_reconciliationrun",
                    run_filter="period = %s", params=[period], holder=holder)
                status = wait_for(lambda: observer.execute(
                    "SELECT status FROM reconciliation_reconciliationrun WHERE period = %s "
                    "AND id > %s AND status <> 'running'", [period, first.pk]).fetchone(),
                    timeout=60, what="the run to complete")
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
        assert rows(name, LAST_RUN) == rows(twin, LAST_RUN)
        assert rows(name, DISCREPANCIES) == rows(twin, DISCREPANCIES)
        assert rows(name, EVENTS) == rows(twin, EVENTS)
        assert rows(name, COLLECTIONS) == rows(twin, COLLECTIONS)
        assert rows(name, "SELECT count(*) FROM reconciliation_foundline") == [(0,)]
        assert rows(name, "SELECT status, notes FROM reconciliation_discrepancy WHERE id = %s",
                    [worked.pk]) == [("notified", "письмо 19/2")]
        assert not rows(name, "SELECT 1 FROM reconciliation_discrepancy WHERE id = %s",
                        [unpaid.pk])
