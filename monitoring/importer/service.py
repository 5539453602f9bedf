"""``case_import``: load one case file (or an API submission) into the cases.

1. the file is cut into chunks of about ``MONITORING_IMPORT_CHUNK_ROWS`` rows; each is
   COPYed into a temporary table (CSV as bytes straight from the file, xlsx and API rows
   with ``write_row``) and checked in one pass (``import_sql.checks``: the first problem
   of a row is its reject reason) into a table of checked rows (``preparing``);
2. one INSERT … SELECT per chunk posts its good rows not loaded before (a case loaded
   before is left as it is), and their services in the same statement; one more its
   rejects.
Outside a caller's transaction a CSV file's chunks are prepared on a second connection (a
thread) while this one posts the previous chunk. All the posting is one transaction: a
broken line (a column too many, a bad quote) or a crash loads nothing of the file.
PostgreSQL only (COPY).
"""

import hashlib
import logging
import time

import psycopg
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from osms.core.locks import xact_lock

from ..models import CaseImportRun
from . import import_sql as q
from . import preparing
from .readers import COLUMNS, COPY_ERROR_LINE, FileRejected, is_xlsx, xlsx_rows

logger = logging.getLogger(__name__)


_fill = preparing.fill


def case_import_run_create(*, file_name, source, acting_user=None, provider=None, file=None):
    run = CaseImportRun(file_name=file_name, source=source, created_by=acting_user,
                        provider=provider)
    if file is not None:
        run.file = file
    run.save()
    return run


def _post(cursor, prepared, params):
    """Post one prepared chunk: its new cases and their services, its rejects."""
    started = time.perf_counter()
    # the services of this statement refer to the cases it inserts (RETURNING): their
    # statement-level reference check has nothing to find (migration 0009); reset at once
    # (a failed statement rolls the setting back with it)
    cursor.execute(q.SERVICES_OF_NEW_CASES, ["on"])
    cursor.execute(_fill(q.POST_CASES, checked=prepared.checked), params)
    new = cursor.fetchone()[0]
    cursor.execute(q.SERVICES_OF_NEW_CASES, [""])
    cursor.execute(_fill(q.REJECTS, rejected=prepared.rejected), params)
    logger.debug("case import #%s: chunk %s posted in %.2f s (%s new)", params["run"],
                 prepared.index, time.perf_counter() - started, new)
    return new


def case_import(*, run, path=None, rows=None, columns=COLUMNS):
    """Load ``path`` (CSV or xlsx) or ``rows`` (lists in ``columns`` order) for ``run``.
    Returns the run, done with its counts, or failed with nothing loaded."""
    if connection.vendor != "postgresql":
        raise FileRejected(_("Case files are loaded on PostgreSQL only."))
    run.mark_running(phase=_("reading"))
    if path is not None:
        with open(path, "rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        CaseImportRun.objects.filter(pk=run.pk).update(checksum=digest)
    found = q.checks()
    params = {"provider": run.provider_id, "run": run.pk, "today": timezone.localdate(),
              "offset": 1, "fields": [f for f, _r, _c in found],
              "reasons": [str(r) for _f, r, _c in found]}
    started = time.perf_counter()
    # decided before this transaction begins: inside a caller's, a second connection
    # would not see its rows
    parallel, background = preparing.in_parallel(), False
    try:
        with transaction.atomic(), connection.cursor() as wrapper:
            xact_lock("case_import")
            cursor = wrapper.cursor
            # one pass over the file: JIT compiling the checks costs more than it saves;
            # hash joins of a chunk to small tables (a merge join sorts the chunk's wide
            # rows once per table)
            cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '256MB'; "
                           "SET LOCAL enable_mergejoin = off")
            cursor.execute("DROP TABLE IF EXISTS monitoring_case_items")  # a caller's transaction
            cursor.execute(_fill(q.ITEMS))
            if rows is not None or is_xlsx(path):
                if rows is None:
                    columns, rows = xlsx_rows(path)
                chunks = preparing.prepared_rows(cursor, columns, rows, params=params)
            elif parallel:
                background = True
                chunks = preparing.prepared_in_background(path, run_id=run.pk, params=params)
            else:
                chunks = preparing.prepared_inline(cursor, path, run_id=run.pk, params=params)
            total = good = new = 0
            try:
                for prepared in chunks:
                    new += _post(cursor, prepared, params)
                    total, good = total + prepared.rows, good + prepared.good
            finally:
                chunks.close()
            counts = {"rows_total": total, "rows_rejected": total - good, "cases_new": new,
                      "cases_repeated": good - new}
            committing = time.perf_counter()
        logger.debug("case import #%s: %s rows in %.2f s (commit %.2f s)", run.pk, total,
                     time.perf_counter() - started, time.perf_counter() - committing)
    except FileRejected as exc:
        run.mark_failed(str(exc))
        return run
    except (DatabaseError, psycopg.Error) as exc:
        found = COPY_ERROR_LINE.search(str(exc))
        line = int(found.group(1)) + 1 if found else None
        message = (_("Line %(n)d: %(e)s") % {"n": line, "e": str(exc).splitlines()[0]}
                   if line else str(exc).splitlines()[0])
        logger.warning("case import %s failed: %s", run.pk, exc)
        run.mark_failed(message)
        return run
    finally:
        if background:  # UNLOGGED tables of the preparing connection, committed or not
            with connection.cursor() as cursor:
                preparing.drop_prepared_tables(cursor, run_id=run.pk)
    run.mark_done(**counts)
    return run
