"""The load test runs end to end and reports (a bounded smoke: tiny population, 2 s)."""

import re
import subprocess
import sys

import pytest
import redis

from tests.coverage.population import generate
from tests.kill.helpers import ROOT, database_name, database_url

pytestmark = [pytest.mark.postgresql,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _redis_answers():
    try:
        return redis.Redis(host="127.0.0.1", port=6379, socket_timeout=2).ping()
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_answers(), reason="the load test needs Redis at 127.0.0.1:6379")
def test_the_load_test_drives_both_scenarios_and_prints_its_figures():
    import datetime

    generate(seed=5, size=40, around=datetime.date(2026, 11, 23))
    from django.db import connections

    connections.close_all()
    command = [sys.executable, "bench/load_status_api.py",
               "--database-url", database_url(database_name()), "--persons", "40",
               "--seconds", "2", "--connections", "2", "--admin-connections", "1",
               "--workers", "2", "--driver", "aiohttp", "--redis-db", "13", "--sample", "40"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    for scenario in ("status API", "person admin page"):
        line = next(x for x in out.splitlines() if x.startswith(f"{scenario}:"))
        figures = re.search(r"(\d+) requests/s .* p50 ([\d.]+) ms, p95 ([\d.]+) ms, "
                            r"p99 ([\d.]+) ms; (\d+) succeeded, (\d+) other statuses, "
                            r"(\d+) errors", line)
        assert figures, line
        assert int(figures.group(5)) > 0 and figures.group(6) == figures.group(7) == "0", line
    assert "command: python bench/load_status_api.py" in out
    assert "load average before:" in out
