"""``case_import``: load one case file (or an API submission) into the cases.

1. the rows are COPYed into a temporary table (CSV as bytes straight from the file, xlsx
   and API rows with ``write_row``);
2. each kind of problem is marked with one UPDATE (``import_sql.checks``): the first
   problem of a row is its reject reason;
3. one INSERT … SELECT posts the good rows (ON CONFLICT on (provider, case number): a
   case loaded before is left as it is), one more their services, one the rejects.
All in one transaction: a broken line (a column too many, a bad quote) or a crash loads
nothing of the file. PostgreSQL only (COPY).
"""

import hashlib
import logging

import psycopg
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from osms.core.locks import xact_lock
from packages.models import CareType
from payers.models import Person
from purchasing.models import Contract, ContractItem, Provider

from ..models import Case, CaseImportRun, CaseReject, CaseService
from . import import_sql as q
from .readers import (
    BLOCK,
    COLUMNS,
    COPY_ERROR_LINE,
    FileRejected,
    csv_header,
    is_xlsx,
    xlsx_rows,
)

logger = logging.getLogger(__name__)


def _tables():
    return {"staging": q.STAGING, "provider": Provider._meta.db_table,
            "person": Person._meta.db_table, "caretype": CareType._meta.db_table,
            "case": Case._meta.db_table, "service": CaseService._meta.db_table,
            "reject": CaseReject._meta.db_table, "item": ContractItem._meta.db_table,
            "contract": Contract._meta.db_table}


def _fill(sql, **names):
    """``sql`` with ``{name}`` replaced by the table names (no other brace is touched:
    the checks' regular expressions keep theirs)."""
    for name, value in {**_tables(), **names}.items():
        sql = sql.replace("{" + name + "}", value)
    return sql


def case_import_run_create(*, file_name, source, acting_user=None, provider=None, file=None):
    run = CaseImportRun(file_name=file_name, source=source, created_by=acting_user,
                        provider=provider)
    if file is not None:
        run.file = file
    run.save()
    return run


def _copy_csv(cursor, path):
    with open(path, "rb") as handle:
        columns, delimiter = csv_header(handle)
        names = ", ".join(columns)
        with cursor.copy(f"COPY {q.STAGING} ({names}) FROM STDIN (FORMAT csv, DELIMITER "
                         f"'{delimiter}')") as copy:
            while block := handle.read(BLOCK):
                copy.write(block)
    return 1  # the header line


def _copy_rows(cursor, columns, rows):
    with cursor.copy(f"COPY {q.STAGING} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([str(v).replace("\x00", "") if v is not None else "" for v in row])
    return 1


def _check_and_post(cursor, run, *, header_lines):
    found = q.checks()
    params = {"provider": run.provider_id, "run": run.pk, "today": timezone.localdate(),
              "offset": header_lines, "fields": [f for f, _r, _c in found],
              "reasons": [str(r) for _f, r, _c in found]}
    cursor.execute(f"DROP TABLE IF EXISTS {q.CHECKED_TABLE}, monitoring_case_items")
    # one pass over the file: JIT compiling the checks costs more than it saves, and the
    # sort of the repeat check stays in memory
    cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '256MB'")
    cursor.execute(f"ANALYZE {q.STAGING}")
    cursor.execute(_fill(q.checked_sql()), params)
    cursor.execute(_fill(q.ITEMS))
    cursor.execute(f"SELECT count(*), count(*) FILTER (WHERE problem IS NULL) "
                   f"FROM {q.CHECKED_TABLE}")
    total, good = cursor.fetchone()
    cursor.execute(_fill(q.POST_CASES), params)
    new = cursor.fetchone()[0]
    columns = ", ".join(f"s.{c}" for c in COLUMNS)
    cursor.execute(_fill(q.REJECTS, columns=columns), params)
    return {"rows_total": total, "rows_rejected": total - good, "cases_new": new,
            "cases_repeated": good - new}


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
    try:
        with transaction.atomic(), connection.cursor() as wrapper:
            xact_lock("case_import")
            cursor = wrapper.cursor
            cursor.execute(f"DROP TABLE IF EXISTS {q.STAGING}")  # a caller's open transaction
            cursor.execute(q.CREATE_STAGING)
            if rows is not None:
                header = _copy_rows(cursor, columns, rows)
            elif is_xlsx(path):
                xcolumns, body = xlsx_rows(path)
                header = _copy_rows(cursor, xcolumns, body)
            else:
                header = _copy_csv(cursor, path)
            counts = _check_and_post(cursor, run, header_lines=header)
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
    run.mark_done(**counts)
    return run
