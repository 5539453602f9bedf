"""Reading a declarations file row by row (CSV or xlsx) and validating each row.

Pure functions, no database: ``read_rows`` yields ``(row_no, values, None)`` for
a good row and ``(row_no, None, Problem)`` for a bad one, from a table streamed by
``osms.core.uploads`` (CSV in UTF-8 or Windows-1251, or xlsx), so memory does not grow
with the file's size. The format is docs/formats/declarations.md.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from osms.core.uploads import FileError
from payers.validators import bin_problem, iin_problem

AMOUNT_FIELDS = ("income", "osms_deduction", "osms_contribution", "ipn", "social_tax", "opv", "so")
FIELDS = ("employer_bin", "iin", "period", *AMOUNT_FIELDS)
# Header aliases accepted besides the field names themselves (lower case).
ALIASES = {
    "бин": "employer_bin",
    "бин работодателя": "employer_bin",
    "иин": "iin",
    "период": "period",
    "доход": "income",
    "отчисления осмс": "osms_deduction",
    "взносы осмс": "osms_contribution",
    "ипн": "ipn",
    "социальный налог": "social_tax",
    "опв": "opv",
    "со": "so",
}
MAX_AMOUNT = Decimal("999999999999.99")
CENT = Decimal("0.01")


class FormatError(FileError):
    """The file as a whole cannot be read (no header, missing columns, unknown type)."""


@dataclass(frozen=True)
class Problem:
    field: str
    reason: str
    raw: str


def parse_period(value):
    """YYYY-MM, MM.YYYY or MMYYYY (as in payment orders), or a date cell → first of month."""
    if isinstance(value, datetime.datetime | datetime.date):
        return datetime.date(value.year, value.month, 1)
    text = str(value).strip()
    try:
        if len(text) == 7 and text[4] == "-":
            year, month = int(text[:4]), int(text[5:])
        elif len(text) == 7 and text[2] == ".":
            month, year = int(text[:2]), int(text[3:])
        elif len(text) == 6 and text.isdigit():
            month, year = int(text[:2]), int(text[2:])
        else:
            raise ValueError(text)
        return datetime.date(year, month, 1)
    except ValueError:
        raise ValueError(
            _("period must be YYYY-MM, MM.YYYY or MMYYYY, got %(v)r") % {"v": text}
        ) from None


def parse_amount(value):
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = repr(value)
    else:
        text = str(value or "").strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if text == "":
        raise ValueError(_("an amount is required (write 0 when nothing was declared)"))
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("not a number: %(v)r") % {"v": text}) from None
    if not amount.is_finite():
        raise ValueError(_("not a number: %(v)r") % {"v": text})
    if amount < 0:
        raise ValueError(_("must not be negative, got %(v)s") % {"v": text})
    if amount != amount.quantize(CENT):
        raise ValueError(_("at most 2 decimal places (tiyn), got %(v)s") % {"v": text})
    if amount > MAX_AMOUNT:
        raise ValueError(_("too large: %(v)s") % {"v": text})
    return amount.quantize(CENT)


def code_text(value):
    """An ИИН/БИН cell: Excel may have turned it into a number and dropped leading zeros."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{int(value):012d}"
    return str(value or "").strip()


def validate(row_no, cells, *, latest_period):
    """(values, None) for a good row or (None, Problem) naming the field and the reason."""
    raw = ";".join("" if c is None else str(c) for c in cells.values())[:2000]
    values = {}
    employer_bin = code_text(cells.get("employer_bin"))
    if bin_problem(employer_bin) and iin_problem(employer_bin):
        return None, Problem("employer_bin", str(bin_problem(employer_bin)), raw)
    values["employer_bin"] = employer_bin
    iin = code_text(cells.get("iin"))
    problem = iin_problem(iin)
    if problem:
        return None, Problem("iin", str(problem), raw)
    values["iin"] = iin
    try:
        period = parse_period(cells.get("period") or "")
    except ValueError as exc:
        return None, Problem("period", str(exc), raw)
    if period > latest_period:
        return None, Problem(
            "period", _("period %(p)s is in the future") % {"p": f"{period:%Y-%m}"}, raw
        )
    values["period"] = period
    for field in AMOUNT_FIELDS:
        try:
            values[field] = parse_amount(cells.get(field))
        except ValueError as exc:
            return None, Problem(field, str(exc), raw)
    return values, None


def _header_map(header):
    names = [ALIASES.get(str(h or "").strip().lower(), str(h or "").strip().lower())
             for h in header]
    missing = [f for f in FIELDS if f not in names]
    if missing:
        raise FormatError(
            _("The header lacks the columns: %(cols)s.") % {"cols": ", ".join(missing)}
        )
    return {f: names.index(f) for f in FIELDS}


def read_rows(table, *, latest_period):
    """Yield (row_no, values | None, Problem | None) of an ``osms.core.uploads`` table;
    row 1 is the header."""
    columns = _header_map(table.header)
    width = max(columns.values()) + 1
    for row_no, row in table.rows():
        if len(row) < width:
            yield row_no, None, Problem(
                "", _("%(n)d columns, expected %(w)d") % {"n": len(row), "w": width},
                ";".join("" if c is None else str(c) for c in row)[:2000],
            )
            continue
        cells = {field: row[index] for field, index in columns.items()}
        values, problem = validate(row_no, cells, latest_period=latest_period)
        yield row_no, values, problem
