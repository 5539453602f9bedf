"""Celery application and the beat schedule of the nightly jobs (declared here, once).

Without ``CELERY_BROKER_URL`` the settings make every task run eagerly (tests, commands);
the quick start serves with ``filesystem://`` and a real worker, so it needs no Redis either. Tasks are thin: they take ids or ISO dates and call one service. Naming:
the function is ``<service>_task`` and the task name ``<app label>.<service>`` (a test holds
every task to it). django-celery-beat copies this schedule into its tables at start, where
operators see and may pause or move each job in the admin. Times are Asia/Almaty.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osms.settings")

app = Celery("osms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

BEAT_SCHEDULE = {
    # Nightly at 01:30: resume an interrupted status run, then recompute incrementally.
    "coverage-recompute-statuses": {
        "task": "coverage.recompute_statuses", "schedule": crontab(minute="30", hour="1")},
    # The 26th at 02:00: the month before is closed (due by the 25th): reconcile it.
    "reconciliation-closed-period": {
        "task": "reconciliation.reconcile_closed_period",
        "schedule": crontab(minute="0", hour="2", day_of_month="26")},
    # Nightly at 03:30: re-run closed periods that received payments or declarations since.
    "reconciliation-late-data": {
        "task": "reconciliation.reconcile_late_data", "schedule": crontab(minute="30", hour="3")},
    # Nightly at 04:30: arrears and penalties as of the day (the persons changed since the
    # last run only when the table is already as of the day: payers.arrears).
    "payers-arrears-recompute": {
        "task": "payers.arrears_recompute", "schedule": crontab(minute="30", hour="4")},
    # Nightly at 00:30: the ledger's monthly partitions 13 months ahead exist; months that
    # landed in the default partition get their own (payers.partitions).
    "payers-ledger-partitions": {
        "task": "payers.ledger_partitions_ensure", "schedule": crontab(minute="30", hour="0")},
    # Hourly: delete expired export files, close exports whose worker died.
    "exports-cleanup": {"task": "exports.exports_cleanup", "schedule": 3600.0},
}
app.conf.beat_schedule = BEAT_SCHEDULE
