"""Celery application and the beat schedule of the nightly jobs.

Without ``CELERY_BROKER_URL`` the settings make every task run eagerly, so the
quickstart needs no Redis. Each app adds its periodic jobs to ``BEAT_SCHEDULE``
through its ``tasks.py``; django-celery-beat shows them in the admin.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osms.settings")

app = Celery("osms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
