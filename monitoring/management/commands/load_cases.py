"""``load_cases FILE``: load a providers' case file (CSV or xlsx, docs/formats/cases.md)."""

from pathlib import Path

from django.core.management.base import CommandError

from monitoring.importer.service import case_import, case_import_run_create
from osms.core.commands import EXIT_FAILED, OsmsCommand


class Command(OsmsCommand):
    help = "Load a case file (format: docs/formats/cases.md); re-loading is a no-op."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", type=Path)

    def run(self, *, file, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}", returncode=EXIT_FAILED)
        run = case_import_run_create(file_name=file.name, source="command",
                                     acting_user=self.acting_user(options))
        run = case_import(run=run, path=str(file))
        if run.status != "done":
            raise CommandError(f"Run #{run.pk} failed, nothing loaded: {run.error}",
                               returncode=EXIT_FAILED)
        self.stdout.write(f"Run #{run.pk}: {run.rows_total} rows, {run.cases_new} new cases, "
                          f"{run.cases_repeated} loaded before, {run.rows_rejected} rejected.")
        for reject in run.rejects.all()[:20]:
            self.stdout.write(f"  line {reject.row_number} {reject.field}: {reject.reason}")
