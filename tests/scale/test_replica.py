"""Analysts on a read replica (issue 19, item 4), with a real streaming replica.

A primary and its standby (``tests/scale/replica.py``) hold a copy of the test database; a
process configured with both (``DATABASE_URL``, ``DATABASE_REPLICA_URL``) pauses the
standby's replay, posts a payment (the primary has it, the standby not) and exports the
payment list through the export service, csv and xlsx: the file lacks the new payment, so
the export read the replica; replay resumed, the next export has it. Without a replica
everything reads ``default``.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections

from osms.core.replica import ReplicaRouter, analytics_alias, replica_reads
from payers.models import Payment
from tests.factories import PaymentFactory
from tests.kill.helpers import database_name, database_url

from .replica import missing_binaries, streaming_pair

ROOT = Path(__file__).resolve().parents[2]


def test_without_a_replica_everything_reads_and_writes_the_primary():
    router = ReplicaRouter()
    assert "replica" not in connections.databases
    with replica_reads() as alias:
        assert alias == analytics_alias() == "default"
        assert router.db_for_read(Payment) == "default"
    assert router.db_for_write(Payment) == "default"
    assert router.allow_migrate("default", "payers") and not router.allow_migrate(
        "replica", "payers")


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_export_reads_the_replica_while_a_write_lands_on_the_primary():
    if missing := missing_binaries():
        pytest.skip(f"PostgreSQL 15 binaries missing: {', '.join(missing)} (PG_BIN)")
    PaymentFactory(document_no="OLD-1")
    connections.close_all()
    with streaming_pair(database_url(database_name())) as (primary, replica):
        env = {**os.environ, "DATABASE_URL": primary, "DATABASE_REPLICA_URL": replica,
               "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "osms.settings"}
        env.pop("CELERY_BROKER_URL", None)
        done = subprocess.run([sys.executable, str(ROOT / "tests/scale/replica_probe.py")],
                              env=env, capture_output=True, text=True, timeout=90)
        assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["replica_in_recovery"] is True
    assert seen["written_on_primary"] is True and seen["on_replica_while_paused"] is False
    assert seen["export_paused"] == {"csv": ["OLD-1"], "xlsx": ["OLD-1"]}
    assert seen["export_resumed"] == {"csv": ["OLD-1", "REPLICA-NEW"],
                                      "xlsx": ["OLD-1", "REPLICA-NEW"]}
    health = seen["health_while_paused"]
    assert health["configured"] is True and health["in_recovery"] is True
    assert health["lag_seconds"] >= 0


def test_the_dashboard_shows_the_replica_lag_to_staff(monkeypatch, rf):
    from django.contrib.auth.models import AnonymousUser

    from osms.core import dashboard, health

    request = rf.get("/admin/")
    request.user = type("Staff", (), {"is_staff": True, "is_authenticated": True})()
    assert dashboard.replica_panel(request) == []  # no replica configured: no card
    monkeypatch.setattr(dashboard, "replica_configured", lambda: True)
    monkeypatch.setattr(health, "check_replica", lambda: {
        "ok": False, "configured": True, "in_recovery": True, "lag_seconds": 412.5,
        "max_lag_seconds": 300})
    [panel] = dashboard.replica_panel(request)
    [card] = panel["cards"]
    assert (str(card["label"]), card["value"]) == ("Replication lag", "412.5 s")
    assert "out of date" in str(card["note"])
    request.user = AnonymousUser()
    assert dashboard.replica_panel(request) == []
