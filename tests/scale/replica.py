"""A real streaming replica for a test: a primary and a standby PostgreSQL 15 cluster.

The shared server of the tests accepts no replication connections (its pg_hba.conf), so the
test makes a small primary of its own (``initdb`` in a temporary directory, another loopback
port), loads a copy of the test database into it (``pg_dump | psql``), then the standby with
``pg_basebackup -R`` on a third port. Servers refuse to run as root: as root every binary
runs as the ``postgres`` OS user (``runuser``), otherwise as the current user. Both servers
stop (immediate) and the directory goes away at the end.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
NEEDED = ("initdb", "pg_ctl", "pg_basebackup", "pg_dump", "psql")


def missing_binaries():
    return [name for name in NEEDED if not (PG_BIN / name).exists()]


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(*command, **kwargs):
    command = [str(PG_BIN / command[0]), *map(str, command[1:])]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, **kwargs)
    assert done.returncode == 0, f"{command}: {done.stderr[-2000:]}"
    return done.stdout


def _start(data, port, root, log):
    settings = (f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c full_page_writes=off -c shared_buffers=16MB -c max_wal_senders=4 "
                "-c wal_level=replica -c hot_standby=on")
    _run("pg_ctl", "-D", data, "-o", settings, "-l", log, "-w", "-t", "30", "start")


@contextmanager
def streaming_pair(source_url):
    """(primary URL, replica URL) of the database ``osms`` copied from ``source_url``."""
    root = Path(tempfile.mkdtemp(prefix="osms-replica-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    primary, standby = root / "primary", root / "standby"
    ports = _free_port(), _free_port()
    started = []
    try:
        _run("initdb", "-D", primary, "-U", "postgres", "-A", "trust", "--no-sync",
             "--no-instructions")
        _start(primary, ports[0], root, root / "primary.log")
        started.append(primary)
        primary_url = f"postgres://postgres@127.0.0.1:{ports[0]}/osms"
        _run("psql", "-h", "127.0.0.1", "-p", ports[0], "-U", "postgres", "-qc",
             "CREATE DATABASE osms")
        dump = subprocess.Popen([str(PG_BIN / "pg_dump"), "--no-owner", source_url],
                                stdout=subprocess.PIPE)
        _run("psql", "-h", "127.0.0.1", "-p", ports[0], "-U", "postgres", "-d", "osms", "-q",
             "-v", "ON_ERROR_STOP=1", stdin=dump.stdout)
        assert dump.wait(timeout=60) == 0
        _run("pg_basebackup", "-h", "127.0.0.1", "-p", ports[0], "-U", "postgres", "-D",
             standby, "-R", "-X", "stream", "--no-sync", "-c", "fast")
        _start(standby, ports[1], root, root / "standby.log")
        started.append(standby)
        replica_url = f"postgres://postgres@127.0.0.1:{ports[1]}/osms"
        deadline = time.monotonic() + 20
        while True:
            try:
                with psycopg.connect(replica_url, autocommit=True) as conn:
                    if conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]:
                        break
            except psycopg.OperationalError:
                pass
            assert time.monotonic() < deadline, "the standby did not come up"
            time.sleep(0.2)
        yield primary_url, replica_url
    finally:
        for data in reversed(started):
            try:
                _run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
            except AssertionError:
                pass
        shutil.rmtree(root, ignore_errors=True)
