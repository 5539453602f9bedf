"""``reconcile --period YYYY-MM``: reconcile one period; ``--late-data``: the nightly job."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from reconciliation import jobs
from reconciliation.reconcile import ReconciliationError, reconcile_period


def parse_period(value):
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise CommandError(f"--period must be YYYY-MM, got {value!r}") from None


class Command(BaseCommand):
    help = "Reconcile declared against paid ОСМС deductions and contributions for a period."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--period", help="YYYY-MM")
        group.add_argument("--late-data", action="store_true",
                           help="Re-run closed periods that received data since last night.")

    def handle(self, *args, period=None, late_data=False, **options):
        try:
            if late_data:
                runs = jobs.reconcile_late_data()
            else:
                runs = [reconcile_period(period=parse_period(period))]
        except ReconciliationError as exc:
            raise CommandError(str(exc)) from exc
        for run in runs:
            self.stdout.write(
                f"Run #{run.pk} {run.period:%Y-%m}: {run.declarations} declaration lines, "
                f"{run.found} discrepancies ({run.new} new, {run.cleared} cleared) in "
                f"{run.duration.total_seconds():.1f} s"
            )
            for kind, count in run.by_type.items():
                self.stdout.write(f"  {kind}: {count}")
        if not runs:
            self.stdout.write("No period received late data.")
