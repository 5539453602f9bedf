"""Preparing a case file for posting: staged and checked, one chunk at a time.

A CSV file is cut into chunks of about ``MONITORING_IMPORT_CHUNK_ROWS`` rows (whole
blocks cut at a line end outside quotes); each chunk is COPYed into a staging table and
checked (``import_sql.checked_sql``) into a table of checked rows and one of its rejected
rows, which the posting transaction consumes in file order (``service._post``).

``prepared_inline`` does it on the posting connection (temporary tables; inside a
caller's transaction, as in the tests, a second connection would not see its rows).
``prepared_in_background`` does it on a second connection, one thread, while the posting
connection inserts the previous chunk (as ``payers.imports.preparing`` does for payment
files): the checks are about half of the work, so the two cores share it. Its tables are
UNLOGGED (another session reads them) and named after the run; ``drop_prepared_tables``
removes them. ``prepared_rows``: API submissions and xlsx rows, one chunk on the posting
connection.
"""

import logging
import threading
import time
from dataclasses import dataclass

import psycopg
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from osms.core.handoff import Handoff
from packages.models import CareType
from payers.models import Person
from purchasing.models import Contract, ContractItem, Provider

from ..models import Case, CaseReject, CaseService
from . import import_sql as q
from .readers import BLOCK, COPY_ERROR_LINE, FileRejected, csv_header

logger = logging.getLogger(__name__)
PREFIX = "monitoring_case_prep_"


@dataclass(frozen=True)
class Prepared:
    index: int
    checked: str  # the table of checked rows
    rejected: str  # the table of rejected rows
    rows: int
    good: int


def _setting(name, default):
    return getattr(settings, name, default)


def in_parallel():
    """A second connection sees what this one sees only outside a caller's transaction."""
    return (not connection.in_atomic_block
            and _setting("MONITORING_IMPORT_PARALLEL", True))


def fill(sql, **names):
    """``sql`` with ``{name}`` replaced by the table names (no other brace is touched:
    the checks' regular expressions keep theirs)."""
    tables = {"staging": q.STAGING, "provider": Provider._meta.db_table,
              "person": Person._meta.db_table, "caretype": CareType._meta.db_table,
              "case": Case._meta.db_table, "service": CaseService._meta.db_table,
              "reject": CaseReject._meta.db_table, "item": ContractItem._meta.db_table,
              "contract": Contract._meta.db_table}
    for name, value in {**tables, **names}.items():
        sql = sql.replace("{" + name + "}", value)
    return sql


class CsvChunks:
    """The CSV header, then the body in chunks of whole blocks, each ending at a line end
    outside a quoted field (a quoted field may hold a line break)."""

    def __init__(self, path, rows, block=BLOCK):
        self.block = block
        self.handle = open(path, "rb")  # closed by close()
        self.columns, self.delimiter = csv_header(self.handle)
        self.rows = rows
        self.lines_before = 1  # physical lines before the chunk (the header)
        self.tail = b""
        self.done = False
        self.lock = threading.Lock()

    def _blocks(self):
        while not self.done:
            data = self.handle.read(self.block)
            if not data:
                self.done = True
                if self.tail.strip():
                    block, self.tail = self.tail, b""
                    yield block if block.endswith(b"\n") else block + b"\n"
                return
            data, cut = self.tail + data, None
            end = len(data)
            while (end := data.rfind(b"\n", 0, end)) >= 0:
                if data.count(b'"', 0, end) % 2 == 0:  # not inside a quoted field
                    cut = end + 1
                    break
            if cut is None:
                self.tail = data
                continue
            block, self.tail = data[:cut], data[cut:]
            yield block

    def next_chunk(self):
        """(blocks, physical lines before them) of about ``rows`` lines, or None."""
        with self.lock:
            blocks, lines, before = [], 0, self.lines_before
            for block in self._blocks():
                blocks.append(block)
                lines += block.count(b"\n")
                if lines >= self.rows:
                    break
            if not blocks:
                return None
            self.lines_before += lines
            return blocks, before

    def close(self):
        self.handle.close()


def _copy_blocks(cursor, chunks, blocks, lines_before):
    try:
        with cursor.copy(f"COPY {q.STAGING} ({', '.join(chunks.columns)}) FROM STDIN "
                         f"(FORMAT csv, DELIMITER '{chunks.delimiter}')") as copy:
            for block in blocks:
                copy.write(block)
    except psycopg.Error as exc:
        found = COPY_ERROR_LINE.search(str(exc))
        message = str(exc).splitlines()[0]
        if found:
            raise FileRejected(_("Line %(n)d: %(e)s") % {
                "n": int(found.group(1)) + lines_before, "e": message}) from exc
        raise FileRejected(message) from exc


def _copy_rows(cursor, columns, rows):
    with cursor.copy(f"COPY {q.STAGING} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([str(v).replace("\x00", "") if v is not None else "" for v in row])


class _Steps:
    """Each step's time, for one DEBUG line per chunk."""

    def __init__(self):
        self.last, self.times = time.perf_counter(), []

    def __call__(self, name):
        now = time.perf_counter()
        self.times.append(f"{name} {now - self.last:.2f}")
        self.last = now

    def __str__(self):
        return ", ".join(self.times)


def _check(cursor, index, *, params, prefix, shared, last, steps=None):
    """The staged chunk checked into ``{prefix}{index}`` (and ``…_rejected``)."""
    steps = steps or _Steps()
    checked, rejected = f"{prefix}{index}", f"{prefix}{index}_rejected"
    cursor.execute(f"DROP TABLE IF EXISTS {checked}, {rejected}")
    cursor.execute(fill(q.checked_sql(checked, shared=shared)), params)
    steps("checked")
    cursor.execute(fill(q.rejected_sql(rejected, shared=shared), checked=checked))
    cursor.execute(f"SELECT count(*), count(*) FILTER (WHERE problem IS NULL) FROM {checked}")
    rows, good = cursor.fetchone()
    steps("rejected")
    if not last:
        cursor.execute(fill(q.SEEN_ADD, checked=checked))
        steps("seen")
    # the columns the posting joins and filters on (sampling every column of a wide table
    # cost more than the checks' own joins); the staging table is not analysed: the
    # checks' plan is hash joins to small tables whatever its size
    cursor.execute(f"ANALYZE {checked} (provider_id, case_number, care_type_id, period, "
                   f"problem, known)")
    steps("analyze")
    logger.debug("case import: chunk %s (%s rows) prepared: %s s", index, rows, steps)
    return Prepared(index, checked, rejected, rows, good)


def _create_staging(cursor, *, in_transaction):
    cursor.execute(f"DROP TABLE IF EXISTS {q.STAGING}, {q.SEEN}")  # a caller's transaction
    cursor.execute(q.CREATE_STAGING.replace(
        "{on_commit}", "ON COMMIT DROP" if in_transaction else ""))


def prepared_rows(cursor, columns, rows, *, params):
    """API rows or an xlsx sheet: one chunk, on the posting connection."""
    _create_staging(cursor, in_transaction=True)
    _copy_rows(cursor, columns, rows)
    yield _check(cursor, 0, params=params, prefix="monitoring_case_checked_", shared=False,
                 last=True)


def _chunks_of(path):
    # blocks of 4 MB; a test sets smaller ones to cut a small file into several chunks
    return CsvChunks(path, max(int(_setting("MONITORING_IMPORT_CHUNK_ROWS", 100_000)), 1),
                     block=int(_setting("MONITORING_IMPORT_BLOCK_BYTES", BLOCK)))


def prepared_inline(cursor, path, *, run_id, params):
    """A ``Prepared`` per chunk, prepared on the posting connection (temporary tables)."""
    chunks = _chunks_of(path)
    try:
        _create_staging(cursor, in_transaction=True)
        chunk, index = chunks.next_chunk(), 0
        while chunk is not None:
            steps = _Steps()
            cursor.execute(f"TRUNCATE {q.STAGING}")
            _copy_blocks(cursor, chunks, *chunk)
            steps("copy")
            following = chunks.next_chunk()
            yield _check(cursor, index, params=params, prefix="monitoring_case_checked_",
                         shared=False, last=following is None, steps=steps)
            chunk, index = following, index + 1
    finally:
        chunks.close()


def prepared_in_background(path, *, run_id, params):
    """A ``Prepared`` per chunk, in file order, prepared by a thread on its own connection
    (UNLOGGED tables) while the caller posts the previous one; at most two chunks wait
    ahead. The thread's exception is raised here; when the consumer stops (done or
    failed) the thread is told to stop and is joined. The caller holds the case_import
    lock before this starts, so the preparer's ``known`` sees every case loaded before."""
    chunks = _chunks_of(path)
    handoff = Handoff(ahead=2)
    prefix = f"{PREFIX}{run_id}_"

    def work():
        try:
            with connection.cursor() as wrapper:
                cursor = wrapper.cursor
                cursor.execute("SET jit = off; SET enable_mergejoin = off")
                cursor.execute("SELECT set_config('work_mem', '256MB', false)")
                _create_staging(cursor, in_transaction=False)
                chunk, index = chunks.next_chunk(), 0
                while chunk is not None and not handoff.stopped:
                    started, steps = time.perf_counter(), _Steps()
                    cursor.execute(f"TRUNCATE {q.STAGING}")
                    _copy_blocks(cursor, chunks, *chunk)
                    steps("copy")
                    following = chunks.next_chunk()
                    prepared = _check(cursor, index, params=params, prefix=prefix,
                                      shared=True, last=following is None, steps=steps)
                    logger.debug("case import #%s: chunk %s (%s rows) prepared in %.2f s",
                                 run_id, index, prepared.rows, time.perf_counter() - started)
                    if not handoff.put(index, prepared):
                        return
                    chunk, index = following, index + 1
            handoff.end(index)
        except BaseException as exc:  # handed to the consumer, raised there
            handoff.fail(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=work, name=f"case-import-preparer-{run_id}", daemon=True)
    thread.start()
    try:
        while (prepared := handoff.get()) is not None:
            yield prepared
    finally:
        handoff.stop()
        thread.join()
        chunks.close()


def drop_prepared_tables(cursor, *, run_id=None):
    """Drop the prepared tables of ``run_id`` (of every run when None: leftovers)."""
    literal = f"{PREFIX}{run_id}_" if run_id is not None else PREFIX
    pattern = literal.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "%"
    cursor.execute(
        "SELECT c.relname FROM pg_class c WHERE c.relkind = 'r' AND c.relpersistence = 'u' "
        "AND c.relnamespace = current_schema()::regnamespace AND c.relname LIKE %s",
        [pattern])
    for (name,) in cursor.fetchall():
        cursor.execute(f'DROP TABLE IF EXISTS "{name}"')
