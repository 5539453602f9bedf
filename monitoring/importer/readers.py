"""Reading case files into COPY: CSV passed as bytes, xlsx row by row (read-only)."""

import re

from django.utils.translation import gettext as _

COLUMNS = ("provider_bin", "case_number", "care_type", "form", "iin", "icd10",
           "icd10_secondary", "kzg_code", "severity", "bed_profile", "admitted_on",
           "discharged_on", "service_date", "services", "tariff", "amount_claimed")
OPTIONAL = ("icd10_secondary", "kzg_code", "severity", "bed_profile", "admitted_on",
            "discharged_on", "service_date", "services")
BOM = b"\xef\xbb\xbf"
BLOCK = 4 * 1024 * 1024


class FileRejected(ValueError):
    """The file as a whole cannot be read: nothing of it is loaded."""


def check_header(names):
    """The file's columns in file order: each required column once, optional ones at most
    once, nothing else."""
    cleaned = [str(name or "").strip().lower() for name in names]
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    missing = [c for c in COLUMNS if c not in cleaned and c not in OPTIONAL]
    extra = [c for c in cleaned if c not in COLUMNS]
    repeated = sorted({c for c in cleaned if cleaned.count(c) > 1})
    if missing or extra or repeated:
        raise FileRejected(
            _("Line 1: the header must have the columns %(expected)s; missing: %(missing)s; "
              "unknown: %(extra)s; repeated: %(repeated)s.")
            % {"expected": ",".join(COLUMNS), "missing": ", ".join(missing) or "—",
               "extra": ", ".join(extra) or "—", "repeated": ", ".join(repeated) or "—"})
    return cleaned


def is_xlsx(path):
    with open(path, "rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def csv_header(handle):
    """Reads the header line; returns (columns, delimiter)."""
    first = handle.readline()
    if first.startswith(BOM):
        first = first[len(BOM):]
    try:
        text = first.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        raise FileRejected(_("Line 1: the file is not UTF-8 text.")) from None
    delimiter = ";" if text.count(";") > text.count(",") else ","
    return check_header(text.split(delimiter)), delimiter


def xlsx_rows(path):
    """(columns, iterator of rows as lists of text) of the first sheet."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise FileRejected(_("The workbook cannot be read: %(e)s") % {"e": exc}) from None
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise FileRejected(_("The workbook is empty."))
    columns = check_header(header)

    def body():
        for row in rows:
            values = [_text(v) for v in row[:len(columns)]]
            values += [""] * (len(columns) - len(values))
            if any(values):
                yield values
        book.close()

    return columns, body()


def _text(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


COPY_ERROR_LINE = re.compile(r"line (\d+)")
