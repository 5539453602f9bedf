"""``python manage.py recompute_statuses [--on YYYY-MM-DD] [--full] [--chunk-size N]``."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from coverage import services
from coverage.facts import PolicyMissing
from coverage.recompute import DEFAULT_CHUNK, RecomputeError


class Command(BaseCommand):
    help = ("Recompute insured statuses: finish an interrupted run, then an incremental run "
            "(or --full) as of --on (default today).")

    def add_arguments(self, parser):
        parser.add_argument("--on", help="Status date, YYYY-MM-DD (default today).")
        parser.add_argument("--full", action="store_true", help="Recompute every person.")
        parser.add_argument("--rebuild", action="store_true",
                            help="Fold the whole payments ledger again (implies --full).")
        parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK,
                            help="Persons per chunk: an id range of a full run, that many "
                                 "touched persons of an incremental one.")

    def handle(self, *args, on, full, rebuild, chunk_size, **options):
        day = None
        if on:
            try:
                day = datetime.date.fromisoformat(on)
            except ValueError:
                raise CommandError(f"--on must be a date as YYYY-MM-DD, got {on!r}.") from None
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")

        def progress(run, elapsed):
            self.stdout.write(f"run {run.pk}: {run.chunks_done}/{run.chunks_total} chunks, "
                              f"{elapsed:.1f} s")

        try:
            run = services.status_recompute(on=day, full=full, rebuild=rebuild, chunk_size=chunk_size,
                                            progress=progress if options["verbosity"] > 1 else None)
        except (RecomputeError, PolicyMissing) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"run {run.pk} ({run.mode}) on {run.on}: {run.persons} persons, {run.changed} "
            f"changed in {run.duration_seconds:.1f} s"))
        for reason, count in run.transitions.items():
            self.stdout.write(f"  {reason}: {count}")
