"""``python manage.py import_category_feed FILE --partner labour_is|state_corporation``."""

from django.core.management.base import BaseCommand, CommandError

from coverage.feeds import category_feed_import
from coverage.models import CategoryFeedRun, Partner


class Command(BaseCommand):
    help = "Load a partner file of benefit-category memberships (docs/formats/categories.md)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--partner", required=True,
                            choices=[p for p in Partner.values if p != Partner.DERIVED])

    def handle(self, *args, file, partner, **options):
        try:
            stream = open(file, "rb")
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        with stream:
            run = category_feed_import(stream=stream, file_name=file, partner=partner)
        if run.status != CategoryFeedRun.Status.DONE:
            raise CommandError(f"{file}: {run.error}")
        self.stdout.write(self.style.SUCCESS(
            f"run {run.pk}: {run.rows_total} rows, {run.rows_loaded} loaded, "
            f"{run.rows_unchanged} already known, {run.rows_rejected} rejected"))
        for reject in run.rejects.all()[:20]:
            self.stdout.write(f"  row {reject.row_number} {reject.field}: {reject.reason}")
