"""Fixtures of the scale tests."""

import fcntl
import hashlib
import tempfile
from pathlib import Path

import pytest

from .test_fanout_kill import BROKER


@pytest.fixture
def broker_alone():
    """The two fan-out kill tests share one Redis database and empty it (``FLUSHDB``) before
    and after. Handed to the two xdist workers one test at a time, they can run at the same
    moment, and one then flushed the other's task message (seen in CI: "timed out waiting
    for a worker to wait in the third chunk"). A file lock keyed by the broker's address
    lets one hold the broker at a time, across processes."""
    key = hashlib.sha1(BROKER.encode()).hexdigest()[:12]
    path = Path(tempfile.gettempdir()) / f"osms-scale-broker-{key}.lock"
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
