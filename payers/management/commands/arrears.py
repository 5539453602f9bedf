"""``manage.py arrears [--as-of YYYY-MM-DD] [--full]``.

What the nightly beat job ``payers.arrears_recompute`` does: the arrears and penalties as of
the day (today by default), rebuilt for the persons changed since the last run when that
gives the same table as a full rebuild, else whole (``payers.arrears.arrears_recompute``);
``--full`` rebuilds the whole table in any case.
"""

from django.utils import timezone

from osms.core.commands import OsmsCommand, parse_date
from payers.arrears import arrears_recompute
from payers.models import ArrearsRun


class Command(OsmsCommand):
    help = "Recompute the arrears and penalties (incrementally when that is exact)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--as-of", metavar="YYYY-MM-DD",
                            help="The day the arrears are computed as of (default: today).")
        parser.add_argument("--full", action="store_true",
                            help="Rebuild the whole table, even when only some persons changed.")

    def run(self, *, as_of=None, full=False, **options):
        day = parse_date(as_of, option="--as-of") if as_of else timezone.localdate()
        rows = arrears_recompute(as_of=day, full=full)
        run = ArrearsRun.objects.order_by("-id").first()
        if run.mode == ArrearsRun.Mode.INCREMENTAL:
            self.stdout.write(f"Arrears as of {day:%d.%m.%Y}: incremental, {run.persons} "
                              f"persons changed, {rows} rows written.")
        else:
            self.stdout.write(f"Arrears as of {day:%d.%m.%Y}: full rebuild ({run.reason}), "
                              f"{rows} rows written.")
