"""Exports: ask for one, run it, delete it, clean up expired files.

``export_request`` is what the admin's Export button calls; it validates the
list's filters, records an ``ExportJob`` and either runs it at once (small
lists, ``EXPORTS_SYNC_MAX_ROWS``) or hands it to the ``queue`` its caller gives
(the view passes ``tasks.export_queue``: the tasks import this module, never the
reverse). Both paths
end in ``export_run``, which streams the list from a server-side cursor into
the file and writes progress into the job row.
"""

import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from osms.core.access_log import PersonalDataAccess, Viewer
from osms.core.paginator import bounded_count
from osms.core.replica import PRIMARY, analytics_alias

from . import conf
from .changelist import (
    ExportError,
    can_export,
    changelist_queryset,
    changelist_request,
    clean_querystring,
    model_admin_for,
)
from .columns import RowSource, export_columns
from .csv_copy import copy_queryset, write_csv_by_copy
from .models import ExportJob
from .writers import SINKS

logger = logging.getLogger(__name__)


class ExportCancelled(Exception):
    """The job row was deleted or closed while the file was being written."""


def _media_path(name):
    return Path(settings.MEDIA_ROOT) / name


def _remove_file(name):
    if not name:
        return
    for path in (_media_path(name), _media_path(f"{name}.part")):
        try:
            path.unlink()
        except FileNotFoundError:
            pass
    try:
        _media_path(name).parent.rmdir()
    except OSError:
        pass


def _file_name(job, extension):
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
    title = slugify(job.title, allow_unicode=True)[:60] or "export"
    token = secrets.token_urlsafe(12)
    return f"{conf.directory()}/{job.user_id}/{token}/{title}-{stamp}.{extension}"


def export_request(*, acting_user, model_admin, querystring, file_format, path="/", queue=None):
    """Record an export of the list as ``acting_user`` sees it; run or queue it.

    ``queue(job_id)`` sends a large list's job to a worker and returns the task id; without
    one (a command, a test) the job runs at once whatever its size.
    """
    if file_format not in SINKS:
        raise ExportError(_("Unknown file format %(format)s.") % {"format": file_format})
    querystring = clean_querystring(querystring)
    request = changelist_request(user=acting_user, querystring=querystring, path=path)
    if not can_export(model_admin, request):
        raise PermissionDenied(_("You may not export this list."))
    queryset = changelist_queryset(model_admin, request)
    count, exact = bounded_count(queryset, limit=conf.sync_max_rows())
    run_now = queue is None or (exact and count <= conf.sync_max_rows())
    with transaction.atomic():
        job = ExportJob.objects.create(
            user=acting_user,
            content_type=ContentType.objects.get_for_model(model_admin.model),
            admin_site=model_admin.admin_site.name,
            title=str(model_admin.model._meta.verbose_name_plural)[:200],
            querystring=querystring,
            file_format=file_format,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            rows_total=count if exact else None,
            ran_synchronously=run_now,
        )
        if not run_now:
            transaction.on_commit(lambda: _record_task(job.pk, queue(job.pk)))
    if run_now:
        export_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def _record_task(job_id, task_id):
    ExportJob.objects.filter(pk=job_id, celery_task_id="").update(celery_task_id=task_id or "")


def _claim(job_id):
    """Mark the job running (once); None if it is gone or already finished."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in ExportJob.ACTIVE:
            return None
        if job.status == ExportJob.Status.RUNNING and job.file:
            # A worker died mid-file and the task came back: start the file again.
            _remove_file(job.file.name)
        job.status = ExportJob.Status.RUNNING
        job.started_at = timezone.now()
        job.rows_done = 0
        job.error = ""
        job.save(update_fields=["status", "started_at", "rows_done", "error", "updated_at"])
        return job


def export_run(*, job_id):
    """Write the job's file; failures are recorded on the job, never raised."""
    job = _claim(job_id)
    if job is None:
        return None
    try:
        with translation.override(job.language):
            _write(job)
    except ExportCancelled:
        _remove_file(job.file.name)
    except Exception as exc:  # the reason goes to the user's download centre
        if not isinstance(exc, ExportError | PermissionDenied):
            logger.exception("export %s failed", job.pk)
        reason = str(exc) if isinstance(exc, ExportError | PermissionDenied) else (
            f"{type(exc).__name__}: {exc}")
        _remove_file(job.file.name)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED,
            error=reason[:2000] or type(exc).__name__,
            finished_at=timezone.now(),
            file="",
        )
    return ExportJob.objects.filter(pk=job.pk).first()


def _progress(job, rows_done):
    updated = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
        rows_done=rows_done, updated_at=timezone.now()
    )
    if not updated:
        raise ExportCancelled


def _write(job):
    model_admin = model_admin_for(content_type=job.content_type, site_name=job.admin_site)
    request = changelist_request(user=job.user, querystring=job.querystring)
    if not can_export(model_admin, request):
        raise PermissionDenied(_("You may no longer export this list."))
    # The rows are read on the read replica when there is one (osms.db_router): an export
    # of a million rows is analysts' work, not the primary's.
    queryset = changelist_queryset(model_admin, request).using(analytics_alias())
    columns = export_columns(model_admin, request)
    copy_values = copy_queryset(queryset, columns) if job.file_format == "csv" else None
    # The progress bar needs the total; the csv COPY path reports only at its end.
    total = queryset.count() if copy_values is None else None
    sink_class = SINKS[job.file_format]
    job.file.name = _file_name(job, sink_class.extension)
    started = {"file": job.file.name} if total is None else {"file": job.file.name,
                                                              "rows_total": total}
    ExportJob.objects.filter(pk=job.pk).update(**started)
    final = _media_path(job.file.name)
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = final.with_name(final.name + ".part")
    every = conf.progress_every()
    if copy_values is not None:
        done = write_csv_by_copy(copy_values, columns, partial)
        sheets = 1
    else:
        done, sheets = _write_streamed(job, queryset, columns, partial, total, sink_class, every)
    os.replace(partial, final)
    # Personal data leaves the system: one access-log row for the file and its persons by
    # block of ids, one INSERT … SELECT over the same list (osms.core.access_log); no log,
    # no file.
    Viewer(what=PersonalDataAccess.What.EXPORT, user=job.user,
           detail=f"{job.title} (#{job.pk})").export(queryset.using(PRIMARY))
    now = timezone.now()
    finished = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
        status=ExportJob.Status.DONE,
        rows_done=done,
        rows_total=done,
        sheets=sheets,
        file_size=final.stat().st_size,
        finished_at=now,
        expires_at=now + timedelta(hours=conf.expire_hours()),
    )
    if not finished:
        raise ExportCancelled


def _write_streamed(job, queryset, columns, partial, total, sink_class, every):
    """Server-side cursor → typed cells → xlsx/csv writer, chunk by chunk."""
    source = RowSource(queryset, columns, chunk_size=conf.chunk_size())
    sink = sink_class(partial, columns=columns, sheet_title=job.title, expected_rows=total)
    done, next_report = 0, every
    try:
        for values in source.column_chunks():
            sink.write_columns(values)
            done += len(values[0])
            if done >= next_report:
                _progress(job, done)
                next_report = done + every
        sheets = sink.close()
    except BaseException:
        sink.abort()
        raise
    return done, sheets


def export_delete(*, job, acting_user):
    """Delete one's own export and its file."""
    if job.user_id != acting_user.pk:
        raise PermissionDenied(_("You may only delete your own exports."))
    _remove_file(job.file.name)
    job.delete()


def exports_cleanup(*, now=None):
    """Delete expired files, close jobs whose worker died; returns counts."""
    now = now or timezone.now()
    expired = 0
    for job_id, name in ExportJob.objects.filter(
        status=ExportJob.Status.DONE, expires_at__lte=now
    ).values_list("pk", "file").iterator():
        _remove_file(name)
        expired += ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.DONE).update(
            status=ExportJob.Status.EXPIRED, file=""
        )
    stale_before = now - timedelta(hours=conf.stale_after_hours())
    stale = 0
    for job_id, name, status in ExportJob.objects.filter(
        status__in=ExportJob.ACTIVE, updated_at__lt=stale_before
    ).values_list("pk", "file", "status"):
        _remove_file(name)
        reason = (
            _("No worker took the export in time.")
            if status == ExportJob.Status.QUEUED
            else _("The export stopped: its worker made no progress for hours.")
        )
        stale += ExportJob.objects.filter(pk=job_id, status=status).update(
            status=ExportJob.Status.FAILED, error=reason, file="", finished_at=now
        )
    orphans = _remove_orphan_parts(stale_before)
    return {"expired": expired, "stale": stale, "orphans": orphans}


def _remove_orphan_parts(before):
    """Partial files a killed worker left behind."""
    root = _media_path(conf.directory())
    removed = 0
    if not root.exists():
        return 0
    cutoff = before.timestamp()
    for path in root.glob("*/*/*.part"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
