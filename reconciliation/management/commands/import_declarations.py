"""``import_declarations FILE``: load a tax declarations file (CSV or xlsx)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reconciliation.importer import declarations_import
from reconciliation.models import DeclarationImportRun


class Command(BaseCommand):
    help = "Load tax declaration lines (format: docs/formats/declarations.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        run = declarations_import(path=str(file), file_name=file.name,
                                  source=DeclarationImportRun.Source.COMMAND)
        if run.already_loaded:
            self.stdout.write(f"Already loaded as run #{run.pk}; nothing changed.")
            return
        if run.status != DeclarationImportRun.Status.DONE:
            raise CommandError(f"Run #{run.pk} failed: {run.error}")
        self.stdout.write(
            f"Run #{run.pk}: {run.rows_read} rows, {run.inserted} new, {run.updated} corrected, "
            f"{run.unchanged} unchanged, {run.rejected} rejected ({run.duration})."
        )
        for reject in run.rejects.all()[:20]:
            self.stdout.write(f"  row {reject.row_no} {reject.field}: {reject.reason}")
