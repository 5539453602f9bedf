"""Run by tests/scale/test_replica.py in a process of its own, with ``DATABASE_URL`` the
primary and ``DATABASE_REPLICA_URL`` its streaming replica: prints what it saw as JSON.

With the replica's replay paused, a payment is posted (it must land on the primary) and
the payment list is exported through the real export service (it must read the replica,
which does not have that payment yet); replay resumed, the next export has it.
"""

import csv
import datetime
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osms.settings")

import django  # noqa: E402

django.setup()

from django.contrib import admin  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connections  # noqa: E402

from osms.core.health import check_replica  # noqa: E402
from osms.exports.services import export_request  # noqa: E402
from payers.models import Payment, Person  # noqa: E402


def exported_documents(user, file_format):
    job = export_request(acting_user=user, model_admin=admin.site._registry[Payment],
                         querystring="", file_format=file_format)
    assert job.status == "done", job.error
    path = Path(job.file.path)
    if file_format == "csv":
        with open(path, encoding="utf-8-sig") as handle:
            documents = {row[-3] for row in csv.reader(handle)}
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True).active
        documents = {str(row[8]) for row in sheet.iter_rows(values_only=True)}
    path.unlink()
    return documents


def on_replica(sql):
    with connections["replica"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def main():
    user = get_user_model().objects.create_superuser("replica-probe", password="x")
    person = Person.objects.order_by("id").first()
    seen = {"replica_in_recovery": on_replica("SELECT pg_is_in_recovery()")}
    on_replica("SELECT pg_wal_replay_pause()")
    payment = Payment.objects.create(
        person=person, iin=person.iin, payer_code=person.iin, period=datetime.date(2026, 10, 1),
        kind="self_payer", knp="122", amount=Decimal("4250.00"),
        paid_on=datetime.date(2026, 11, 2), document_no="REPLICA-NEW")
    seen["written_on_primary"] = Payment.objects.using("default").filter(
        pk=payment.pk).exists()
    seen["on_replica_while_paused"] = Payment.objects.using("replica").filter(
        pk=payment.pk).exists()
    seen["export_paused"] = {fmt: sorted(exported_documents(user, fmt) & {
        "REPLICA-NEW", "OLD-1"}) for fmt in ("csv", "xlsx")}
    seen["health_while_paused"] = check_replica()
    on_replica("SELECT pg_wal_replay_resume()")
    deadline = time.monotonic() + 15
    while not Payment.objects.using("replica").filter(pk=payment.pk).exists():
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.1)
    seen["export_resumed"] = {fmt: sorted(exported_documents(user, fmt) & {
        "REPLICA-NEW", "OLD-1"}) for fmt in ("csv", "xlsx")}
    print(json.dumps(seen, default=str))


if __name__ == "__main__":
    main()
