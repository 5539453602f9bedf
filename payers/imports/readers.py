"""Reading payment files without holding them in memory (docs/formats/payments.md).

CSV is passed to PostgreSQL as bytes, block by block, cut at line ends; xlsx is
read row by row with openpyxl's read-only mode. Both start by checking the header.
"""

import datetime
import os
from decimal import Decimal

from django.utils.translation import gettext as _

from osms.core import uploads

COLUMNS = ("payer_id", "iin", "last_name", "first_name", "period", "knp", "amount", "paid_on",
           "document_no")
BLOCK = 8 * 1024 * 1024
BOM = b"\xef\xbb\xbf"


class FileRejected(uploads.FileError):
    """The file as a whole cannot be read: nothing of it is posted."""


def check_header(names):
    """The file's columns in file order; any order, each of COLUMNS exactly once."""
    cleaned = [str(name or "").strip().lower() for name in names]
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    missing = [c for c in COLUMNS if c not in cleaned]
    extra = [c for c in cleaned if c not in COLUMNS]
    repeated = sorted({c for c in cleaned if cleaned.count(c) > 1})
    if missing or extra or repeated:
        raise FileRejected(
            _("Line 1: the header must have the columns %(expected)s; missing: %(missing)s; "
              "unknown: %(extra)s; repeated: %(repeated)s.")
            % {"expected": ",".join(COLUMNS), "missing": ", ".join(missing) or "—",
               "extra": ", ".join(extra) or "—", "repeated": ", ".join(repeated) or "—"}
        )
    return cleaned


def is_xlsx(path):
    with open(path, "rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


class CsvBlocks:
    """The CSV header (columns, delimiter) and then its body in blocks cut at line ends."""

    def __init__(self, path):
        self.path = path
        self.size = os.path.getsize(path)
        self.handle = open(path, "rb")  # closed by close()
        try:
            self.encoding = uploads.sniff_encoding(self.handle.read(uploads.SAMPLE))
        except uploads.FileError as exc:
            self.handle.close()
            raise FileRejected(str(exc)) from None
        self.handle.seek(0)
        first = self.handle.readline()
        if first.startswith(BOM):
            first = first[len(BOM):]
        try:
            text = first.decode(self.encoding).rstrip("\r\n")
        except UnicodeDecodeError:
            raise FileRejected(_("Line 1: the file is not UTF-8 text.")) from None
        self.delimiter = uploads.sniff_delimiter(text)
        self.columns = check_header(text.split(self.delimiter))
        self.bytes_read = self.handle.tell()

    def blocks(self):
        """(bytes, number of lines) blocks, each ending at a line end."""
        tail = b""
        while True:
            data = self.handle.read(BLOCK)
            if not data:
                break
            self.bytes_read += len(data)
            data = tail + data
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                tail = data
                continue
            block, tail = data[:cut], data[cut:]
            yield block, block.count(b"\n")
        if tail.strip():
            yield tail + b"\n", 1

    def close(self):
        self.handle.close()


def cell_text(value, column):
    """An xlsx cell as the text the CSV would carry (numbers lose leading zeros in Excel)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        if column == "period":
            return f"{value:%m%Y}"
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            value = int(value)
        else:
            return format(Decimal(repr(value)), "f")
    if isinstance(value, int):
        width = {"payer_id": 12, "iin": 12, "period": 6, "knp": 3}.get(column)
        return f"{value:0{width}d}" if width and value >= 0 else str(value)
    return str(value).strip()


class XlsxRows:
    """The first sheet's header, then its rows as (line number, texts in COLUMNS order)."""

    def __init__(self, path):
        from openpyxl import load_workbook

        self.size = os.path.getsize(path)
        try:
            self.workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on a broken file
            raise FileRejected(_("The xlsx file cannot be read: %(error)s") % {"error": exc}
                               ) from exc
        sheet = self.workbook.worksheets[0]
        self.iterator = sheet.iter_rows(values_only=True)
        header = next(self.iterator, None)
        if header is None:
            raise FileRejected(_("Line 1: the sheet is empty."))
        self.columns = check_header(header)
        self.positions = [self.columns.index(c) for c in COLUMNS]
        self.line = 1

    def rows(self):
        for values in self.iterator:
            self.line += 1
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            values = list(values) + [None] * (len(self.columns) - len(values))
            yield self.line, [cell_text(values[p], c) for p, c in zip(
                self.positions, COLUMNS, strict=True)]

    def close(self):
        self.workbook.close()
