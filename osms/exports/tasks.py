"""Celery tasks of the exports: thin wrappers over the services."""

from celery import shared_task

from . import services


@shared_task(name="exports.export_run", acks_late=True, ignore_result=True)
def export_run_task(job_id):
    """Write one export's file (``services.export_run`` records any failure on the job)."""
    services.export_run(job_id=job_id)


def export_queue(job_id):
    """Send one export to a worker; the task id (what ``services.export_request`` is given
    as its ``queue``)."""
    return export_run_task.delay(job_id).id


@shared_task(name="exports.exports_cleanup", ignore_result=True)
def exports_cleanup_task():
    """Hourly: delete expired files, close jobs whose worker died."""
    return services.exports_cleanup()
