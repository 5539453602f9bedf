"""Preparing a payment file for posting: staged, checked and sorted, one chunk at a time.

``prepared_chunks`` reads the file in chunks of about ``PAYMENTS_IMPORT_CHUNK_ROWS``
rows; each chunk is copied into the staging table, checked (``checks``) and written
as a table of checked rows that the posting transaction consumes. On PostgreSQL
``in_background`` runs the preparation on a second database connection in a thread,
so that checking chunk *k + 1* runs on one core while chunk *k* is posted on the
other; its tables are UNLOGGED (another session must read them) and named after the
run, and ``drop_prepared_tables`` removes them, or the leftovers of a run that died.
"""

import logging
import queue
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from . import checks
from .staging import StagingLoader

logger = logging.getLogger(__name__)
PREFIX = "payment_prep_"
DEFAULT_CHUNK_ROWS = 250_000


@dataclass(frozen=True)
class Prepared:
    table: str
    rows: int
    rejected: int
    suspense: int
    periods: tuple  # the months of the rows that may be posted
    share_read: float  # of the file, after this chunk


def chunk_rows() -> int:
    return max(int(getattr(settings, "PAYMENTS_IMPORT_CHUNK_ROWS", DEFAULT_CHUNK_ROWS)), 1)


def prepared_chunks(path, *, run_id, today, shared):
    """Yield a ``Prepared`` per chunk of the file at ``path`` (checks of ``today``)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and shared:  # its own connection: set it up
            cursor.execute("SET jit = off")
            cursor.execute("SELECT set_config('work_mem', %s, false)",
                           [getattr(settings, "PAYMENTS_IMPORT_WORK_MEM", "256MB")])
        loader = StagingLoader(cursor, path)
        try:
            index = 0
            started = time.perf_counter()
            while loader.load_next(chunk_rows()):
                checks.build_references(cursor, today=today)
                table = f"{PREFIX}{run_id}_{index}"
                counts = checks.build_checked(cursor, today=today, table=table, shared=shared)
                logger.debug("payment import #%s: chunk %s (%s rows) prepared in %.2f s",
                             run_id, index, counts["rows"], time.perf_counter() - started)
                yield Prepared(table, counts["rows"], counts["rejected"], counts["suspense"],
                               counts["periods"], loader.share)
                index += 1
                started = time.perf_counter()
        finally:
            loader.close()
            checks.drop_reference_tables(cursor)


_DONE = object()


def in_background(make_chunks, *, on_progress=None):
    """Iterate ``make_chunks()`` run in a thread with its own database connection.

    At most one prepared chunk waits ahead of the consumer. An exception of the
    preparer is raised in the consumer; when the consumer stops (done or failed) the
    preparer is told to stop and is joined. ``on_progress(prepared)`` runs in the
    preparer's thread (its autocommit connection may write the run's progress while the
    posting transaction is open).
    """
    handoff = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand(item):
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def work():
        try:
            for prepared in make_chunks():
                if on_progress is not None:
                    on_progress(prepared)
                if not hand(prepared):
                    return
            hand(_DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            hand(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=work, name="payment-import-preparer", daemon=True)
    thread.start()
    try:
        while True:
            item = handoff.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


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
