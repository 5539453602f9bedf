from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from packages.tariff_import import RESOURCES, tariff_import


class Command(BaseCommand):
    help = ("Import a tariff file (xlsx or CSV; docs/formats/tariffs.md). All rows or none; "
            "every error is printed with its row and column.")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(RESOURCES))
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, kind, path, dry_run=False, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {path}")
        outcome = tariff_import(kind=kind, path=str(file), dry_run=dry_run)
        if not outcome.ok:
            for error in outcome.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(outcome.errors)} errors: nothing imported.")
        self.stdout.write(self.style.SUCCESS(
            f"{'Checked' if dry_run else 'Imported'}: {outcome.new} new, {outcome.updated} "
            f"updated, {outcome.skipped} unchanged."))
