"""Write the sample import files from the demo registry: ``demo_samples [--out DIR] [--check]``.

The committed samples match ``seed_demo --persons 3000 --seed 2026`` (the quick start's
demo): ``--check`` on such a database says whether they are still what the generator makes.
"""

import csv
import io
import tempfile
from pathlib import Path

from django.core.management.base import CommandError

from osms.core.commands import OsmsCommand
from payers import demo_samples


class Command(OsmsCommand):
    help = ("Write the sample payment, declaration, category-feed and tariff files from the "
            "demo registry in the database (run after seed_demo).")

    def add_arguments(self, parser):  # no --acting-user / --progress: nothing is recorded
        parser.add_argument("--out", metavar="DIR",
                            help="Write under DIR instead of the apps' samples/ folders.")
        parser.add_argument("--check", action="store_true",
                            help="Compare with the committed samples; exit 1 if they differ.")

    def run(self, *, out=None, check=False, **options):
        try:
            texts = demo_samples.sample_texts()
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if check:
            return self._check(texts)
        written = demo_samples.write_samples(Path(out) if out else demo_samples.ROOT)
        for path in written:
            self.stdout.write(f"wrote {path}")
        for path, note in demo_samples.BAD_EXAMPLES.items():
            self.stdout.write(f"  {path.name}: deliberate bad rows: {note}")

    def _check(self, texts):
        stale = [path for path, text in texts.items()
                 if not path.exists() or path.read_text(encoding="utf-8") != text]
        with tempfile.TemporaryDirectory() as scratch:
            fresh = demo_samples.write_samples(scratch)[-1]
            if _xlsx_rows(fresh) != _xlsx_rows(demo_samples.PAYMENTS_XLSX):
                stale.append(demo_samples.PAYMENTS_XLSX)
        if stale:
            raise CommandError("Samples differ from the demo registry: "
                               + ", ".join(str(p.relative_to(demo_samples.ROOT)) for p in stale))
        self.stdout.write("The samples match the demo registry.")


def _xlsx_rows(path):
    import openpyxl

    if not Path(path).exists():
        return None
    workbook = openpyxl.load_workbook(path, read_only=True)
    rows = [tuple(row) for row in workbook.active.iter_rows(values_only=True)]
    workbook.close()
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()
