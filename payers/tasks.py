"""Background jobs of the contributions: take ids, call services."""

from celery import shared_task
from django.utils import timezone

from .arrears import arrears_recompute
from .imports import payment_import
from .imports.registry import registry_import
from .models import ImportRun, RegistryImportRun
from .partitions import ledger_partitions_ensure


@shared_task(name="payers.payment_import")
def payment_import_task(run_id):
    """Import the file uploaded for run ``run_id`` (progress is written on the run)."""
    run = ImportRun.objects.get(pk=run_id)
    if run.status != ImportRun.Status.PENDING:
        return run.status  # a redelivered message never imports twice
    return payment_import(path=run.file.path, run=run).status


@shared_task(name="payers.registry_import")
def registry_import_task(run_id):
    """Import the persons or organisations file uploaded for run ``run_id``."""
    run = RegistryImportRun.objects.get(pk=run_id)
    if run.status != RegistryImportRun.Status.PENDING:
        return run.status  # a redelivered message never imports twice
    return registry_import(run=run).status


@shared_task(name="payers.arrears_recompute")
def arrears_recompute_task(as_of=None, full=False):
    """The arrears as of ``as_of`` (ISO date, default today): only the persons changed since
    the last run when that is exact, else the whole table (``payers.arrears``)."""
    day = timezone.localdate() if as_of is None else timezone.datetime.fromisoformat(as_of).date()
    return arrears_recompute(as_of=day, full=full)


@shared_task(name="payers.ledger_partitions_ensure")
def ledger_partitions_ensure_task():
    """Create the ledger's partitions of the coming months (``payers.partitions``)."""
    return ledger_partitions_ensure()["created"]
