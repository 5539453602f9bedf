"""Import of tax declaration lines: streamed, bulk-loaded, idempotent, with a run record.

``declarations_import`` is the one entry point (admin upload, command, task):

1. the file's SHA-256 is computed; a file already loaded is not loaded again (the admin
   upload does this, keeps the file and queues the run: ``declaration_run_create``, the
   task runs ``declaration_run_process``);
2. rows are read and validated one by one (streamed by ``osms.core.uploads``: CSV in UTF-8
   or Windows-1251, or xlsx read-only), good rows go to the
   staging table in chunks (COPY on PostgreSQL), bad rows become rejects naming
   the row, the field and the reason; the run record shows the progress;
3. one transaction merges the staging rows set-based into the declarations
   (in-file duplicates and unknown employers rejected, upsert on the natural key).

A crash before step 3 commits leaves the declarations untouched: the run is
marked failed and its staging rows are removed.
"""

import datetime
import hashlib
import logging
import os
import shutil
import tempfile

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from osms.core import uploads
from osms.core.runs import file_sha256

from ..models import DeclarationImportRun
from .loading import clear_staging, merge_staging, stage_rejects, stage_rows
from .reading import FormatError, read_rows

__all__ = ["FormatError", "declaration_run_create", "declaration_run_process",
           "declarations_import", "file_checksum"]

CHUNK = 20000
INTERNAL = ("An internal error stopped the import; nothing was loaded. The details are in "
            "the server log.")


def file_checksum(stream):
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(1 << 20), b""):
        digest.update(block)
    stream.seek(0)
    return digest.hexdigest()


def _latest_period():
    today = timezone.localdate()
    return datetime.date(today.year, today.month, 1)


def _progress(run, table, rows_read):
    run.rows_read = rows_read
    run.progress = min(99, int(table.share * 100))
    run.save(update_fields=["rows_read", "progress", "phase"])


def declaration_run_create(*, checksum, file_name, size, source, acting_user=None, file=None):
    """(run, already loaded): a pending run, or the finished run of the same file."""
    done = DeclarationImportRun.objects.filter(
        checksum=checksum, status=DeclarationImportRun.Status.DONE).first()
    if done is not None:
        done.already_loaded = True
        return done, True
    run = DeclarationImportRun(file_name=file_name[:255], checksum=checksum, size=size,
                               source=source, created_by=acting_user,
                               status=DeclarationImportRun.Status.PENDING)
    if file is not None:
        run.file = file
    run.save()
    run.already_loaded = False
    return run, False


def declaration_run_process(run, *, path=None, chunk=CHUNK):
    """Load the run's file: stage the rows chunk by chunk, then merge them in one transaction."""
    path = path or run.file.path
    run.status, run.phase = DeclarationImportRun.Status.RUNNING, _("reading rows")
    run.save(update_fields=["status", "phase"])
    run.already_loaded = False
    rows, problems, rows_read, rejected = [], [], 0, 0
    table = None
    try:
        uploads.check_size(path, kind="declarations", name=run.file_name)
        table = uploads.open_table(path)
        for row_no, values, problem in read_rows(table, latest_period=_latest_period()):
            rows_read += 1
            if problem is None:
                rows.append((row_no, values))
            else:
                problems.append((row_no, problem))
            if len(rows) + len(problems) >= chunk:
                stage_rows(run.pk, rows)
                stage_rejects(run.pk, problems)
                rejected += len(problems)
                rows, problems = [], []
                _progress(run, table, rows_read)
        stage_rows(run.pk, rows)
        stage_rejects(run.pk, problems)
        rejected += len(problems)
        run.phase = _("merging into declarations")
        _progress(run, table, rows_read)
        with transaction.atomic():
            inserted, updated, merge_rejected = merge_staging(run.pk)
            clear_staging(run.pk)
            run.inserted, run.updated = inserted, updated
            run.rejected = rejected + merge_rejected
            run.unchanged = rows_read - run.rejected - inserted - updated
            run.status = DeclarationImportRun.Status.DONE
            run.phase, run.progress, run.finished_at = "", 100, timezone.now()
            run.save()
    except uploads.FileError as exc:
        _fail(run, exc)
    except Exception:  # shown on the run page: no traceback, no server path
        logging.getLogger("osms.errors").exception("declaration import #%s failed", run.pk)
        _fail(run, _(INTERNAL))
    finally:
        if table is not None:
            table.close()
    return run


def declarations_import(*, stream=None, path=None, file_name, source, acting_user=None,
                        size=None, chunk=CHUNK):
    """Load a declarations file now (a path, or a binary stream spooled to a temporary file);
    returns its run record. A file with the checksum of a finished run is not loaded again:
    that run is returned, with ``already_loaded`` set on it.
    """
    spooled = None
    if path is None:
        spooled = tempfile.NamedTemporaryFile(suffix=".decl", delete=False)
        with spooled:
            shutil.copyfileobj(stream, spooled, 1 << 20)
        path = spooled.name
    try:
        run, known = declaration_run_create(
            checksum=file_sha256(path), file_name=file_name, size=os.path.getsize(path),
            source=source, acting_user=acting_user)
        return run if known else declaration_run_process(run, path=path, chunk=chunk)
    finally:
        if spooled is not None:
            os.unlink(spooled.name)


def _fail(run, exc):
    clear_staging(run.pk)
    run.rejects.all().delete()
    run.status = DeclarationImportRun.Status.FAILED
    run.error = str(exc)[:2000]
    run.finished_at = timezone.now()
    run.save()
