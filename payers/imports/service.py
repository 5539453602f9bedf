"""``payment_import``: load one State Corporation payment file into the ledger.

1. the file is streamed into a temporary staging table (``staging``);
2. every row is checked set-based (``checks``);
3. in one transaction: valid rows of registered persons are posted with one
   ``INSERT … SELECT … ON CONFLICT DO NOTHING`` (the unique source-row key makes
   a second load of the same rows a no-op), rejected rows are recorded with
   their reason, valid rows of unknown ИИН go to the suspense queue, and the run
   record gets its counts. A crash posts nothing.
"""

import hashlib
import logging
import os
import time

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ImportRun
from . import checks
from .readers import FileRejected
from .staging import load_staging

logger = logging.getLogger(__name__)
READ_SHARE = 60  # % of the progress bar spent reading the file


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


class _Clock:
    """Logs how long each phase of a run took (operators compare runs by it)."""

    def __init__(self, run):
        self.run, self.last = run, time.perf_counter()

    def lap(self, phase):
        now = time.perf_counter()
        logger.info("payment import #%s: %s in %.2f s", self.run.pk, phase, now - self.last)
        self.last = now


def _set(run, **fields):
    for name, value in fields.items():
        setattr(run, name, value)
    ImportRun.objects.filter(pk=run.pk).update(**fields)


def _post(cursor, run, *, now):
    kind = checks.kind_sql()
    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM payers_payment")
    before = cursor.fetchone()[0]
    cursor.execute(
        f"""
        INSERT INTO payers_payment (person_id, iin, payer_code, period, kind, knp, amount,
                                    paid_on, document_no, import_run_id, note, posted_at)
        SELECT c.person_id, c.iin, c.payer_id, c.period_date, {kind}, c.knp,
               {checks.as_money('c.amount')}, c.paid_date, c.document_no, %s, '', %s
        FROM {checks.CHECKED} c
        WHERE c.reason IS NULL AND c.person_id IS NOT NULL
        ORDER BY c.period_date, c.document_no, c.iin, c.knp, c.payer_id
        ON CONFLICT DO NOTHING
        """,
        [run.pk, now],
    )
    loaded = cursor.rowcount
    cursor.execute(
        "SELECT MIN(id), MAX(id) FROM payers_payment WHERE id > %s AND import_run_id = %s",
        [before, run.pk],
    )
    run.first_payment_id, run.last_payment_id = cursor.fetchone()
    cursor.execute(
        f"""
        INSERT INTO payers_paymentreject (import_run_id, line_no, reason, payer_id, iin,
                                          last_name, first_name, period, knp, amount,
                                          paid_on, document_no)
        SELECT %s, c.line_no, COALESCE(c.reason, 'iin'), c.payer_id, c.iin, c.last_name,
               c.first_name, c.period, c.knp, c.amount, c.paid_on, c.document_no
        FROM {checks.CHECKED} c
        WHERE c.reason IS NOT NULL
           OR (c.person_id IS NULL AND c.iin IN (SELECT iin FROM payment_bad_iin))
        """,
        [run.pk],
    )
    rejected = cursor.rowcount
    cursor.execute(
        f"""
        INSERT INTO payers_suspensepayment (iin, last_name, first_name, payer_code, period,
                                            kind, knp, amount, paid_on, document_no,
                                            import_run_id, line_no, status, note, created_at)
        SELECT c.iin, substr(c.last_name, 1, 100), substr(c.first_name, 1, 100), c.payer_id,
               c.period_date, {checks.kind_sql(with_activity=False)}, c.knp,
               {checks.as_money('c.amount')}, c.paid_date, c.document_no, %s, c.line_no,
               'open', '', %s
        FROM {checks.CHECKED} c
        WHERE c.reason IS NULL AND c.person_id IS NULL
          AND c.iin NOT IN (SELECT iin FROM payment_bad_iin)
        ON CONFLICT DO NOTHING
        """,
        [run.pk, now],
    )
    return loaded, rejected, cursor.rowcount


def _lock(cursor):
    """One payment import at a time (counts stay exact; the key keeps money exact anyway).

    The registry join of millions of rows hashes in memory rather than in batches on
    disk: this transaction gets more ``work_mem`` (``PAYMENTS_IMPORT_WORK_MEM``).
    """
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('payers.payment_import'))")
        work_mem = getattr(settings, "PAYMENTS_IMPORT_WORK_MEM", "256MB")
        cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem])


def payment_import(*, path, run=None, source=ImportRun.Source.COMMAND, acting_user=None
                   ) -> ImportRun:
    """Import the payment file at ``path``; returns the finished (or failed) run record."""
    if run is None:
        run = import_run_create(file_name=os.path.basename(path), source=source,
                                acting_user=acting_user)
    started = timezone.now()
    _set(run, status=ImportRun.Status.RUNNING, started_at=started, phase=_("Reading the file"),
         progress=0, size=os.path.getsize(path), checksum=file_checksum(path), error="")
    last = [0]

    def progress(share):
        value = int(share * READ_SHARE)
        if value > last[0]:
            last[0] = value
            _set(run, progress=value)

    try:
        with connection.cursor() as cursor:
            try:
                clock = _Clock(run)
                total = load_staging(cursor, path, progress)
                clock.lap("staging")
                _set(run, phase=_("Checking rows"), progress=READ_SHARE, rows_total=total)
                today = timezone.localdate()
                with transaction.atomic():
                    _lock(cursor)
                    checks.build_references(cursor, today=today)
                    clock.lap("references")
                    checks.build_checked(cursor, today=today)
                    clock.lap("checks")
                    _set(run, phase=_("Posting"), progress=80)
                    loaded, rejected, suspense = _post(cursor, run, now=timezone.now())
                    clock.lap("posting")
                    _set(run, loaded=loaded, rejected=rejected, suspense=suspense,
                         first_payment_id=run.first_payment_id,
                         last_payment_id=run.last_payment_id,
                         duplicates=total - loaded - rejected - suspense,
                         status=ImportRun.Status.DONE, phase=_("Done"), progress=100,
                         finished_at=timezone.now())
            finally:
                if not connection.needs_rollback:
                    checks.drop_temp_tables(cursor)
    except FileRejected as exc:
        _set(run, status=ImportRun.Status.FAILED, error=str(exc), phase=_("Rejected"),
             finished_at=timezone.now())
    except DatabaseError as exc:
        _set(run, status=ImportRun.Status.FAILED, finished_at=timezone.now(),
             error=_("Database error, nothing posted: %(error)s") % {"error": exc},
             phase=_("Failed"))
    return run
