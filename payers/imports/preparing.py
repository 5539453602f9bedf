"""Preparing a payment file for posting: staged and checked, one chunk at a time.

The file is cut into chunks of about ``PAYMENTS_IMPORT_CHUNK_ROWS`` rows; each chunk
is copied into a staging table and checked (``checks``) into a table of checked
rows that the posting transaction consumes, in file order.

``prepared_inline`` does it on the posting connection. ``prepared_in_background``
(PostgreSQL) does it on ``PAYMENTS_IMPORT_PREPARERS`` other connections, one thread
each, while the posting inserts: checking is about half of the work, so the cores
share it (one preparer beside the poster fills two cores; more oversubscribe them). Their tables are UNLOGGED (another session must read them) and named after
the run; ``drop_prepared_tables`` removes them, or the leftovers of a run that died.
"""

import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from osms.core.handoff import Handoff

from . import checks
from .staging import ChunkReader, create_staging, drop_staging, stage

logger = logging.getLogger(__name__)
PREFIX = "payment_prep_"


@dataclass(frozen=True)
class Prepared:
    table: str
    rows: int
    rejected: int
    suspense: int
    periods: tuple  # the months of the rows that may be posted
    share_read: float  # of the file, after this chunk


def _setting(name, default):
    return getattr(settings, name, default)


def _prepare(cursor, reader, chunk, checker, *, run_id, shared):
    started = time.perf_counter()
    stage(cursor, reader, chunk)
    checker.references(cursor)
    table = f"{PREFIX}{run_id}_{chunk.index}"
    counts = checker.checked(cursor, table=table, shared=shared)
    logger.debug("payment import #%s: chunk %s (%s rows) prepared in %.2f s", run_id,
                 chunk.index, counts["rows"], time.perf_counter() - started)
    return Prepared(table, counts["rows"], counts["rejected"], counts["suspense"],
                    counts["periods"], chunk.share)


def prepared_inline(path, *, run_id, today):
    """Yield a ``Prepared`` per chunk, prepared on this connection (temporary tables)."""
    reader = ChunkReader(path, postgres=connection.vendor == "postgresql")
    checker = checks.Checker(today=today)
    with connection.cursor() as cursor:
        create_staging(cursor)
        try:
            while (chunk := reader.next_chunk(_setting("PAYMENTS_IMPORT_CHUNK_ROWS", 250_000))):
                yield _prepare(cursor, reader, chunk, checker, run_id=run_id, shared=False)
        finally:
            reader.close()
            drop_staging(cursor)
            checks.drop_reference_tables(cursor)


def prepared_in_background(path, *, run_id, today, on_progress=None):
    """Yield a ``Prepared`` per chunk, in file order, prepared by threads of their own.

    Each thread has its own database connection (UNLOGGED tables); at most two chunks
    per thread wait ahead of the poster. A preparer's exception is raised here; when the
    consumer stops (done or failed) the threads are told to stop and are joined.
    ``on_progress(prepared)`` runs in a preparer's thread (its autocommit connection may
    write the run's progress while the posting transaction is open).
    """
    workers = max(int(_setting("PAYMENTS_IMPORT_PREPARERS", 1)), 1)
    rows = _setting("PAYMENTS_IMPORT_CHUNK_ROWS", 250_000)
    reader = ChunkReader(path, postgres=True)
    handoff = Handoff(ahead=2 * workers)

    def work():
        checker = checks.Checker(today=today)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")
                cursor.execute("SELECT set_config('work_mem', %s, false)",
                               [_setting("PAYMENTS_IMPORT_WORK_MEM", "256MB")])
                create_staging(cursor)
                while not handoff.stopped:
                    chunk = reader.next_chunk(rows)
                    if chunk is None:
                        handoff.end(reader.index)
                        return
                    prepared = _prepare(cursor, reader, chunk, checker, run_id=run_id,
                                        shared=True)
                    if on_progress is not None:
                        on_progress(prepared)
                    if not handoff.put(chunk.index, prepared):
                        return
        except BaseException as exc:  # handed to the consumer, raised there
            handoff.fail(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, name=f"payment-import-preparer-{n}", daemon=True)
               for n in range(workers)]
    for thread in threads:
        thread.start()
    try:
        while (prepared := handoff.get()) is not None:
            yield prepared
    finally:
        handoff.stop()
        for thread in threads:
            thread.join()
        reader.close()


def drop_prepared_tables(cursor, *, run_id=None):
    """Drop the prepared tables of ``run_id`` (of every run when None: leftovers)."""
    if connection.vendor != "postgresql":
        return
    literal = f"{PREFIX}{run_id}_" if run_id is not None else PREFIX
    pattern = literal.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "%"
    cursor.execute(
        "SELECT c.relname FROM pg_class c WHERE c.relkind = 'r' AND c.relpersistence = 'u' "
        "AND c.relnamespace = current_schema()::regnamespace AND c.relname LIKE %s",
        [pattern])
    for (name,) in cursor.fetchall():
        cursor.execute(f'DROP TABLE IF EXISTS "{name}"')
