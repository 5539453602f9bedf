"""``manage.py ledger_partitions [--ensure [--ahead N]] [--detach YYYY-MM]``.

Without options: the ledger's partitions (bounds, estimated rows, size). ``--ensure`` does
what the beat job ``payers.ledger_partitions_ensure`` does; ``--detach`` moves one old
month to the archive schema (``payers.partitions``, docs/scale.md).
"""

from osms.core.commands import OsmsCommand, parse_period
from payers import partitions


class Command(OsmsCommand):
    help = "List, create ahead or detach (archive) the monthly partitions of the ledger."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--ensure", action="store_true",
                            help="Create the partitions of the coming months (and of months "
                                 "found in the default partition).")
        parser.add_argument("--ahead", type=int, default=partitions.PARTITIONS_AHEAD,
                            help="Months ahead of today to create (default %(default)s).")
        parser.add_argument("--detach", metavar="YYYY-MM",
                            help="Detach this month's partition into the archive schema.")

    def run(self, *, ensure=False, ahead=partitions.PARTITIONS_AHEAD, detach=None, **options):
        if detach:
            name = partitions.ledger_partition_detach(
                month=parse_period(detach, option="--detach"))
            self.stdout.write(f"Detached and archived as {name}.")
            return
        if ensure:
            result = partitions.ledger_partitions_ensure(ahead=ahead)
            self.stdout.write(f"Created {len(result['created'])} partitions "
                              f"({', '.join(result['created']) or 'none'}), "
                              f"{result['moved']} rows moved out of the default partition.")
        rows = partitions.ledger_partitions()
        self.stdout.write(f"partitions: {len(rows)}")
        for row in rows:
            self.stdout.write(f"  {row['name']:<28} {row['bounds']:<60} "
                              f"{row['rows']:>12,} rows {row['bytes'] / 2**20:>10.1f} MB")
