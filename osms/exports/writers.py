"""File writers of an export: xlsx (split into sheets at Excel's row limit) and csv.

Both take rows as lists of cell values in column order (``columns.RowSource``)
and never hold more than one chunk in memory.
"""

import csv
import datetime
import io
import re

from django.utils import timezone

from osms.core.workbooks import FORMULA_START

from . import conf
from .columns import BOOLEAN, DATETIME, TEXT
from .xlsx import XlsxStreamWriter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

# A csv cell starting with one of these is read as a formula by spreadsheets.
_FORMULA_START = FORMULA_START
_FORMULA_LINE = re.compile("(?:^|\n)[=+\\-@\t\r]")


class XlsxSink:
    extension = "xlsx"
    content_type = XLSX_CONTENT_TYPE

    def __init__(self, path, *, columns, sheet_title, expected_rows=0, rows_per_sheet=None):
        self.columns = columns
        self.sheet_title = sheet_title
        self.expected_rows = expected_rows
        # Data rows per sheet: the limit counts the header row too.
        self.capacity = (rows_per_sheet or conf.max_rows_per_sheet()) - 1
        if self.capacity < 1:
            raise ValueError("a sheet must hold at least one data row")
        self.writer = XlsxStreamWriter(
            path, compresslevel=conf.xlsx_compress_level(), tz=timezone.get_current_timezone()
        )
        self.in_sheet = 0
        self.sheet_number = 0
        self._new_sheet()

    def _new_sheet(self):
        self.sheet_number += 1
        name = self.sheet_title if self.sheet_number == 1 else f"{self.sheet_title} {self.sheet_number}"
        remaining = max(self.expected_rows - (self.sheet_number - 1) * self.capacity, 0)
        self.writer.add_sheet(
            name,
            [c.header for c in self.columns],
            [c.kind for c in self.columns],
            [c.width for c in self.columns],
            expected_rows=min(remaining, self.capacity),
        )
        self.in_sheet = 0

    def write_columns(self, values):
        """A chunk given as one list of values per column; split where a sheet fills up."""
        total = len(values[0]) if values else 0
        start = 0
        while start < total:
            if self.in_sheet >= self.capacity:
                self._new_sheet()
            take = min(self.capacity - self.in_sheet, total - start)
            whole = start == 0 and take == total
            self.writer.write_columns(
                values if whole else [column[start : start + take] for column in values]
            )
            self.in_sheet += take
            start += take

    def write_rows(self, rows):
        if rows:
            self.write_columns(list(zip(*rows, strict=True)))

    def close(self):
        return self.writer.close()

    def abort(self):
        self.writer.abort()


class CsvSink:
    """RFC 4180 csv in UTF-8 with a byte-order mark (so Excel detects the encoding).

    Dates are ISO (2026-01-31), datetimes local ISO to the second, numbers with a dot; text
    that a spreadsheet would run as a formula is prefixed with an apostrophe.
    """

    extension = "csv"
    content_type = CSV_CONTENT_TYPE

    def __init__(self, path, *, columns, **_ignored):
        self.file = open(path, "w", encoding="utf-8", newline="", buffering=1 << 20)
        self.file.write("\ufeff")
        # Rows are formatted into a buffer and written once per chunk.
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, delimiter=conf.csv_delimiter(), lineterminator="\n")
        self.writer.writerow([c.header for c in columns])
        self._flush()
        self.text_positions = [i for i, c in enumerate(columns) if c.kind == TEXT]
        self.fixups = [
            (i, self._local_datetime if c.kind == DATETIME else self._boolean)
            for i, c in enumerate(columns)
            if c.kind in (DATETIME, BOOLEAN)
        ]
        self.tz = timezone.get_current_timezone()

    def _local_datetime(self, value):
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            local = value.astimezone(self.tz).replace(tzinfo=None, microsecond=0)
            return local.isoformat(sep=" ")
        return value

    @staticmethod
    def _boolean(value):
        return "" if value is None else int(bool(value))

    def write_columns(self, values):
        """A chunk given as one list of values per column (fixed column-wise, in C loops)."""
        values = list(values)
        for i in self.text_positions:
            values[i] = _neutralise(values[i])
        for i, fix in self.fixups:
            values[i] = list(map(fix, values[i]))
        self.writer.writerows(zip(*values, strict=True))
        self._flush()

    def _flush(self):
        self.file.write(self.buffer.getvalue())
        self.buffer.seek(0)
        self.buffer.truncate()

    def write_rows(self, rows):
        if rows:
            self.write_columns([list(column) for column in zip(*rows, strict=True)])

    def close(self):
        self.file.close()
        return 1

    def abort(self):
        self.file.close()


def _neutralise(column):
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    try:
        risky = _FORMULA_LINE.search("\n".join(column)) is not None  # one scan per chunk
    except TypeError:  # None or not only strings: check one by one
        risky = True
    if not risky:
        return column
    return [
        "'" + value if value.__class__ is str and value.startswith(_FORMULA_START) else value
        for value in column
    ]


SINKS = {"xlsx": XlsxSink, "csv": CsvSink}
