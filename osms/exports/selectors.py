"""Reads of the exports: a user only ever sees their own."""

from django.urls import reverse

from .models import ExportJob

BIGINT_MAX = 2**63 - 1


def export_jobs_of(*, user):
    if user is None or not user.is_authenticated:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(user=user)


def export_job_of(*, user, job_id):
    """The user's own job with this id, or None (another user's job looks missing)."""
    try:
        job_id = int(job_id)
    except (TypeError, ValueError):
        return None
    if not 0 < job_id <= BIGINT_MAX:
        return None
    return export_jobs_of(user=user).filter(pk=job_id).first()


def export_download_url(job, site_name="admin"):
    return reverse(f"{site_name}:exports_exportjob_download", args=[job.pk])


def export_progress(*, user, job_ids, site_name="admin"):
    """Progress of the user's jobs among ``job_ids``, for the download centre's poller."""
    ids = []
    for value in job_ids:
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if 0 < number <= BIGINT_MAX:  # no job has another id (SQLite cannot even bind it)
            ids.append(number)
    jobs = export_jobs_of(user=user).filter(pk__in=ids[:200])
    return [
        {
            "id": job.pk,
            "status": job.status,
            "status_label": str(job.get_status_display()),
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "percent": job.percent,
            "file_size": job.file_size,
            "error": job.error,
            "download_url": export_download_url(job, site_name)
            if job.status == ExportJob.Status.DONE
            else None,
        }
        for job in jobs
    ]
