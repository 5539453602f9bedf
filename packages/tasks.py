"""Background jobs of the package: take ids, call services."""

from celery import shared_task

from .models import TariffImportRun
from .tariff_import import tariff_import_run_process


@shared_task(name="packages.tariff_import")
def tariff_import_task(run_id):
    """Import the tariff file uploaded for run ``run_id`` (progress is written on the run)."""
    run = TariffImportRun.objects.get(pk=run_id)
    if run.status != TariffImportRun.Status.PENDING:
        return run.status  # a redelivered message never imports twice
    return tariff_import_run_process(run).status
