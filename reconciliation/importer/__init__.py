"""Import of tax declaration lines: streamed, bulk-loaded, idempotent, with a run record.

``declarations_import`` is the one entry point (admin upload, command, task):

1. the file's SHA-256 is computed; a file already loaded is not loaded again;
2. rows are read and validated one by one (streamed), good rows go to the
   staging table in chunks (COPY on PostgreSQL), bad rows become rejects naming
   the row, the field and the reason; the run record shows the progress;
3. one transaction merges the staging rows set-based into the declarations
   (in-file duplicates and unknown employers rejected, upsert on the natural key).

A crash before step 3 commits leaves the declarations untouched: the run is
marked failed and its staging rows are removed.
"""

import datetime
import hashlib
import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import DeclarationImportRun
from .loading import clear_staging, merge_staging, stage_rejects, stage_rows
from .reading import CountingRaw, FormatError, read_rows

__all__ = ["FormatError", "declarations_import", "file_checksum"]

CHUNK = 20000


def file_checksum(stream):
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(1 << 20), b""):
        digest.update(block)
    stream.seek(0)
    return digest.hexdigest()


def _latest_period():
    today = timezone.localdate()
    return datetime.date(today.year, today.month, 1)


def _progress(run, counter, size, rows_read):
    run.rows_read = rows_read
    run.progress = min(99, int(counter.bytes_read * 100 / size)) if size else 0
    run.save(update_fields=["rows_read", "progress", "phase"])


def declarations_import(*, stream, file_name, source, acting_user=None, size=None,
                        chunk=CHUNK):
    """Load a declarations file (a seekable binary stream); returns its run record.

    A file with the checksum of a finished run is not loaded again: that run is
    returned, with ``already_loaded`` set on it.
    """
    checksum = file_checksum(stream)
    done = DeclarationImportRun.objects.filter(
        checksum=checksum, status=DeclarationImportRun.Status.DONE
    ).first()
    if done is not None:
        done.already_loaded = True
        return done
    if size is None:
        stream.seek(0, 2)
        size = stream.tell()
        stream.seek(0)
    run = DeclarationImportRun.objects.create(
        file_name=file_name[:255], checksum=checksum, size=size, source=source,
        created_by=acting_user, phase=_("reading rows"),
    )
    run.already_loaded = False
    counter = CountingRaw(stream)
    binary = io.BufferedReader(counter, buffer_size=1 << 16)
    rows, problems, rows_read, rejected = [], [], 0, 0
    try:
        for row_no, values, problem in read_rows(
            binary, file_name=file_name, latest_period=_latest_period()
        ):
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
                _progress(run, counter, size, rows_read)
        stage_rows(run.pk, rows)
        stage_rejects(run.pk, problems)
        rejected += len(problems)
        run.phase = _("merging into declarations")
        _progress(run, counter, size, rows_read)
        with transaction.atomic():
            inserted, updated, merge_rejected = merge_staging(run.pk)
            clear_staging(run.pk)
            run.inserted, run.updated = inserted, updated
            run.rejected = rejected + merge_rejected
            run.unchanged = rows_read - run.rejected - inserted - updated
            run.status = DeclarationImportRun.Status.DONE
            run.phase, run.progress, run.finished_at = "", 100, timezone.now()
            run.save()
    except Exception as exc:
        _fail(run, exc)
        if isinstance(exc, FormatError):
            return run
        raise
    return run


def _fail(run, exc):
    clear_staging(run.pk)
    run.rejects.all().delete()
    run.status = DeclarationImportRun.Status.FAILED
    run.error = str(exc)[:2000]
    run.finished_at = timezone.now()
    run.save()
