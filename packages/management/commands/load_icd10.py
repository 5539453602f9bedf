from django.core.management.base import BaseCommand, CommandError

from packages.icd10_load import icd10_load


class Command(BaseCommand):
    help = ("Load the WHO ICD-10 (2019) classification with its hierarchy and the Russian "
            "names kept in packages/data/icd10_ru.tsv. Idempotent.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--codes", help="Load only these comma-separated codes and their ancestors."
        )

    def handle(self, *args, codes=None, **options):
        subset = [c.strip() for c in codes.split(",") if c.strip()] if codes else None
        try:
            counts = icd10_load(codes=subset)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"ICD-10: {counts['loaded']} codes loaded, "
            f"{counts['with_russian_name']} with a Russian name."
        ))
