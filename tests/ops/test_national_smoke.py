"""The national benchmark runs end to end at a tiny scale (its generator writes raw SQL into
tables that other work changes: a new NOT NULL column broke it once, unnoticed)."""

import os
import re
import subprocess
import sys

import pytest

from tests.kill.helpers import ROOT

pytestmark = pytest.mark.postgresql


def test_the_national_benchmark_times_every_step_of_the_nightly_chain():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the national benchmark needs PostgreSQL")
    if not os.environ.get("OSMS_BENCH_SMOKE"):
        # About two minutes (a fresh database migrated): CI's 15 minutes are nearly spent.
        pytest.skip("set OSMS_BENCH_SMOKE=1 to run the national benchmark's smoke run")
    name = f"osms_ci_national_{os.environ.get('PYTEST_XDIST_WORKER', 'gw0')}"
    command = [sys.executable, "bench/national.py", "--persons", "300", "--repeat", "1",
               "--lookups", "5", "--database", name]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "LOG_LEVEL": "WARNING"})
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    for step in ("generate", "full status run (first", "ingest of the month file",
                 "incremental status run after a 1 % change (#3)", "reconciliation of 2026-01",
                 "export of the payment list, one month (xlsx)", "page persons: first page",
                 "page persons: ИИН search → person page", "page exports: first page",
                 "status API: 5 lookups"):
        assert step in out, step
    posted = re.search(r"([\d,]+) posted = ([\d,]+) rows/s", out)
    assert posted and int(posted.group(1).replace(",", "")) > 0, out[-2000:]
    assert re.search(r"payers_payment\s+[\d,]+ .*partitions\)", out), out[-2000:]
