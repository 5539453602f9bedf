"""``manage.py import_payments FILE``: load a payment file (CSV or xlsx) into the ledger."""

import os

from django.core.management.base import BaseCommand, CommandError

from payers.imports import payment_import
from payers.models import ImportRun


class Command(BaseCommand):
    help = "Import a State Corporation payment file (docs/formats/payments.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or xlsx file with the documented header")
        parser.add_argument("--rejects", type=int, default=20,
                            help="How many rejected rows to print (default 20).")

    def handle(self, *args, file, rejects, **options):
        if not os.path.isfile(file):
            raise CommandError(f"No such file: {file}")
        run = payment_import(path=file, source=ImportRun.Source.COMMAND)
        if run.status != ImportRun.Status.DONE:
            raise CommandError(f"Run #{run.pk}: nothing posted. {run.error}")
        seconds = run.duration.total_seconds() if run.duration else 0
        rate = run.rows_total / seconds if seconds else 0
        self.stdout.write(
            f"Run #{run.pk} {run.file_name}: {run.rows_total} rows, {run.loaded} loaded, "
            f"{run.duplicates} duplicate, {run.rejected} rejected, {run.suspense} to suspense "
            f"in {seconds:.1f} s ({rate:,.0f} rows/s)"
        )
        for reject in run.rejects.order_by("line_no")[:rejects]:
            self.stdout.write(f"  line {reject.line_no}: {reject.get_reason_display()}"
                              f" [{reject.field}]")
