"""``control_month YYYY-MM``: the format-logical control and risk scoring of a month."""

from monitoring.control import month_control
from osms.core.commands import OsmsCommand, parse_period


class Command(OsmsCommand):
    help = "Control every case of a month (rules, risk score, reviews)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("period", help="The month as YYYY-MM.")

    def run(self, *, period, **options):
        month = parse_period(period, option="period")
        run = month_control(period=month, acting_user=self.acting_user(options))
        self.stdout.write(f"Run #{run.pk} {month:%m.%Y}: {run.cases} cases, {run.accepted} "
                          f"accepted, {run.rejected} rejected, {run.to_review} to review "
                          f"({run.seconds} s).")
