"""Scheduled jobs saved under the old task names follow the renamed tasks (osms/celery.py)."""

from django.db import migrations

RENAMED = {
    "reconciliation.tasks.reconcile_closed_period_task": "reconciliation.reconcile_closed_period",
    "reconciliation.tasks.reconcile_late_data_task": "reconciliation.reconcile_late_data",
    "reconciliation.tasks.reconcile_period_task": "reconciliation.reconcile_period",
    "exports.cleanup": "exports.exports_cleanup",
}


def rename(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in RENAMED.items():
        PeriodicTask.objects.filter(task=old).update(task=new)


def restore(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in RENAMED.items():
        PeriodicTask.objects.filter(task=new).update(task=old)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_region_history"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(rename, restore)]
