"""``payment_import``: load one State Corporation payment file into the ledger.

1. the file is read chunk by chunk (``preparing``): each chunk is copied into a
   staging table and every row checked set-based (``checks``) into a table of
   checked rows;
2. one transaction posts the chunks: valid rows of registered persons with one
   ``INSERT … SELECT`` per chunk, sorted by the ledger's source-row key, that leaves
   out rows already posted (the unique
   source-row key makes a second load of the same rows a no-op), rejected rows with
   their reason, valid rows of unknown ИИН to the suspense queue; then the run
   record gets its counts. A crash or a broken line anywhere posts nothing.

On PostgreSQL, outside a caller's transaction, the next chunks are prepared on other
connections while one is posted: the cores share the work.
"""

import hashlib
import logging
import os
import time

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from osms.core.locks import xact_lock

from ..ledger import ledger_write_lock
from ..models import ImportRun
from . import checks
from .preparing import drop_prepared_tables, prepared_in_background, prepared_inline
from .readers import FileRejected

logger = logging.getLogger(__name__)


def file_checksum(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(4 * 1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def import_run_create(*, file_name, source, acting_user=None, file=None) -> ImportRun:
    run = ImportRun(file_name=file_name, source=source, created_by=acting_user)
    if file is not None:
        run.file = file
    run.save()
    return run


def _set(run, **fields):
    for name, value in fields.items():
        setattr(run, name, value)
    ImportRun.objects.filter(pk=run.pk).update(**fields)


# One statement per chunk inserts its postable rows; ``{distinct}`` and ``{probe}`` are
# empty, or leave out repeats and rows posted already (the first line of a key wins).
POST = """
INSERT INTO payers_payment (person_id, iin, payer_code, period, kind, knp, amount, paid_on,
                            document_no, import_run_id, note, posted_at)
SELECT {distinct} c.person_id, c.iin, c.payer_id, c.period_date, c.kind, c.knp,
       c.amount_value, c.paid_date, c.document_no, %(run)s, '', %(now)s
FROM {table} c
WHERE c.reason IS NULL AND c.person_id IS NOT NULL {probe}
ORDER BY {key}{tiebreak} {tail}
"""
# A new month's chunk: every postable row goes in. Should the file repeat a key (within
# the chunk or from an earlier one), the unique index refuses and POST_PROBED is used.
POST_NEW = {"distinct": "", "probe": "", "tiebreak": "", "tail": ""}  # keys are unique
# Otherwise: leave out what is posted already (an index probe per row: a correlated
# subquery, so that the planner never hashes or scans the whole ledger as it may for an
# anti-join with stale statistics) and repeats within the chunk (the first line wins).
POST_PROBED = {"distinct": "DISTINCT ON ({key})", "tiebreak": ", c.line_no", "tail": "",
               "probe": """
  AND (SELECT x.id FROM payers_payment x
       WHERE x.period = c.period_date AND x.person_id = c.person_id AND x.knp = c.knp
         AND x.payer_code = c.payer_id AND x.document_no = c.document_no
       LIMIT 1) IS NULL"""}
# SQLite (the demo): the unique index keeps the first line of each key.
POST_SQLITE = {"distinct": "", "probe": "", "tiebreak": ", c.line_no",
               "tail": "ON CONFLICT DO NOTHING"}


def _post_sql(variant, *, table, key):
    parts = {name: text.format(key=key) for name, text in variant.items()}
    return POST.format(table=table, key=key, **parts)


REJECT = """
INSERT INTO payers_paymentreject (import_run_id, line_no, reason, payer_id, iin, last_name,
                                  first_name, period, knp, amount, paid_on, document_no)
SELECT %(run)s, c.line_no, c.reason, c.payer_id, c.iin, c.last_name, c.first_name, c.period,
       c.knp, c.amount, c.paid_on, c.document_no
FROM {table} c
WHERE c.reason IS NOT NULL
"""

SUSPEND = """
INSERT INTO payers_suspensepayment (iin, last_name, first_name, payer_code, period, kind, knp,
                                    amount, paid_on, document_no, import_run_id, line_no,
                                    status, note, created_at)
SELECT c.iin, substr(c.last_name, 1, 100), substr(c.first_name, 1, 100), c.payer_id,
       c.period_date, c.kind, c.knp, c.amount_value, c.paid_date, c.document_no, %(run)s,
       c.line_no, 'open', '', %(now)s
FROM {table} c
WHERE c.reason IS NULL AND c.person_id IS NULL
ON CONFLICT DO NOTHING
"""


class _Months:
    """Which months had payments before this import (asked once per month)."""

    def __init__(self, cursor):
        self.cursor, self.known = cursor, {}

    def all_new(self, periods):
        for period in periods:
            if period not in self.known:  # first seen now: earlier chunks posted none of it
                self.cursor.execute(
                    "SELECT EXISTS (SELECT 1 FROM payers_payment WHERE period = %s)", [period])
                self.known[period] = self.cursor.fetchone()[0]
        return not any(self.known[period] for period in periods)


def _post_chunk(cursor, run, prepared, *, now, months):
    """Post one prepared chunk: (loaded, rejected, suspense) rows.

    A plain INSERT in key order: cheaper than ON CONFLICT's speculative insertion of
    every row, and both ledger indexes are filled in one forward sweep. A chunk of
    months the ledger had nothing of before this import (a new month's file) goes in
    whole; otherwise, or when the file repeats a key, what is posted already and the
    repeats are left out (``POST_PROBED``). A concurrent posting of the same key makes
    the unique index refuse the whole file (nothing posted), never a double payment.
    """
    params = {"run": run.pk, "now": now}
    table = prepared.table
    loaded = None
    key = checks.key_sql("c")
    if connection.vendor != "postgresql":
        cursor.execute(_post_sql(POST_SQLITE, table=table, key=key), params)
        loaded = cursor.rowcount
    elif months.all_new(prepared.periods):
        try:
            with transaction.atomic():
                cursor.execute(_post_sql(POST_NEW, table=table, key=key), params)
                loaded = cursor.rowcount
        except IntegrityError:
            loaded = None
    if loaded is None:
        cursor.execute(_post_sql(POST_PROBED, table=table, key=key), params)
        loaded = cursor.rowcount
    rejected = suspense = 0
    if prepared.rejected:
        cursor.execute(REJECT.format(table=prepared.table), params)
        rejected = cursor.rowcount
    if prepared.suspense:
        cursor.execute(SUSPEND.format(table=prepared.table), params)
        suspense = cursor.rowcount
    cursor.execute(f"DROP TABLE {prepared.table}")
    return loaded, rejected, suspense


def _lock(cursor):
    """One payment import at a time (counts stay exact; the key keeps money exact anyway).

    Sorting and hashing a chunk of a million rows happens in memory rather than in
    batches on disk: this transaction gets more ``work_mem`` (``PAYMENTS_IMPORT_WORK_MEM``).
    """
    ledger_write_lock()
    if connection.vendor == "postgresql":
        xact_lock("payment_import")
        work_mem = getattr(settings, "PAYMENTS_IMPORT_WORK_MEM", "256MB")
        cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem])
        # The planner's estimates of the staged rows are rough: compiling them is not worth it.
        cursor.execute("SET LOCAL jit = off")


def _in_parallel():
    """A second connection sees what this one sees only outside a caller's transaction."""
    return (connection.vendor == "postgresql" and not connection.in_atomic_block
            and getattr(settings, "PAYMENTS_IMPORT_PARALLEL", True))


def payment_import(*, path, run=None, source=ImportRun.Source.COMMAND, acting_user=None
                   ) -> ImportRun:
    """Import the payment file at ``path``; returns the finished (or failed) run record."""
    if run is None:
        run = import_run_create(file_name=os.path.basename(path), source=source,
                                acting_user=acting_user)
    started = timezone.now()
    _set(run, status=ImportRun.Status.RUNNING, started_at=started,
         phase=_("Checking and posting"), progress=0, size=os.path.getsize(path),
         checksum=file_checksum(path), error="")
    today = timezone.localdate()
    parallel = _in_parallel()
    totals = {"rows": 0, "loaded": 0, "rejected": 0, "suspense": 0}
    clock = time.perf_counter()

    def show_progress(prepared):  # a preparer's autocommit connection: visible at once
        ImportRun.objects.filter(pk=run.pk).update(
            progress=Greatest(F("progress"), int(95 * prepared.share_read)))

    try:
        if parallel:
            # Leftovers of a run that died. Holding the import lock, no run is preparing.
            with connection.cursor() as cursor, transaction.atomic():
                _lock(cursor)
                drop_prepared_tables(cursor)
        with connection.cursor() as cursor, transaction.atomic():
            _lock(cursor)
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM payers_payment")
            before = cursor.fetchone()[0]
            if parallel:
                source = prepared_in_background(path, run_id=run.pk, today=today,
                                                on_progress=show_progress)
            else:
                source = prepared_inline(path, run_id=run.pk, today=today)
            months = _Months(cursor)
            for prepared in source:
                posting = time.perf_counter()
                loaded, rejected, suspense = _post_chunk(cursor, run, prepared,
                                                         now=timezone.now(), months=months)
                logger.debug("payment import #%s: %s posted in %.2f s", run.pk,
                             prepared.table, time.perf_counter() - posting)
                for name, value in (("rows", prepared.rows), ("loaded", loaded),
                                    ("rejected", rejected), ("suspense", suspense)):
                    totals[name] += value
                logger.info("payment import #%s: %s rows checked and posted, %.1f s",
                            run.pk, f"{totals['rows']:,}", time.perf_counter() - clock)
            cursor.execute("SELECT MIN(id), MAX(id) FROM payers_payment "
                           "WHERE id > %s AND import_run_id = %s", [before, run.pk])
            first, last = cursor.fetchone()
            _set(run, rows_total=totals["rows"], loaded=totals["loaded"],
                 rejected=totals["rejected"], suspense=totals["suspense"],
                 duplicates=(totals["rows"] - totals["loaded"] - totals["rejected"]
                             - totals["suspense"]),
                 first_payment_id=first, last_payment_id=last,
                 status=ImportRun.Status.DONE, phase=_("Done"), progress=100,
                 finished_at=timezone.now())
    except FileRejected as exc:
        _set(run, status=ImportRun.Status.FAILED, error=str(exc), phase=_("Rejected"),
             progress=0, finished_at=timezone.now())
    except DatabaseError as exc:
        _set(run, status=ImportRun.Status.FAILED, finished_at=timezone.now(),
             error=_("Database error, nothing posted: %(error)s") % {"error": exc},
             phase=_("Failed"), progress=0)
    finally:
        if parallel:
            with connection.cursor() as cursor:
                drop_prepared_tables(cursor, run_id=run.pk)
    return run
