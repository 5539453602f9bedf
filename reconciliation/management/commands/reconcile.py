"""``reconcile --period YYYY-MM`` (or MM.YYYY): reconcile one period (``--employer BIN``, repeated: only
those employers; ``--chunk-size``: declaration lines per chunk); ``--late-data``: the
nightly job."""

from django.core.management.base import BaseCommand, CommandError

from osms.core.periods import parse_month
from reconciliation import jobs
from reconciliation.reconcile import DEFAULT_CHUNK, ReconciliationError, reconcile_period


def parse_period(value):
    """The month as the admin's period form takes it (``osms.core.periods.parse_month``)."""
    try:
        return parse_month(value)
    except ValueError:
        raise CommandError(f"--period must be YYYY-MM or MM.YYYY, got {value!r}") from None


class Command(BaseCommand):
    help = "Reconcile declared against paid ОСМС deductions and contributions for a period."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--period", help="YYYY-MM or MM.YYYY")
        group.add_argument("--late-data", action="store_true",
                           help="Re-run closed periods that received data since last night.")
        parser.add_argument("--employer", action="append", dest="employers", metavar="BIN",
                            help="Only this employer's lines (repeat for more).")
        parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK,
                            help="Declaration lines per chunk (default %(default)s).")

    def handle(self, *args, period=None, late_data=False, employers=None,
               chunk_size=DEFAULT_CHUNK, **options):
        try:
            if late_data:
                runs = jobs.reconcile_late_data()
            else:
                runs = [reconcile_period(period=parse_period(period), employers=employers,
                                         chunk_size=chunk_size)]
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
