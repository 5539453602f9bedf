"""A streaming xlsx (Office Open XML) writer in constant memory.

Each sheet's XML goes straight into its zip entry as rows arrive, so memory
does not grow with the row count; only the small parts (workbook, styles,
relationships) are written at the end. Cells are typed: text is an inline
string, numbers are numbers, dates and datetimes are Excel serial numbers
with a date format (built-in formats 14 and 22 follow the reader's locale),
money is a number with the ``#,##0.00`` format.

Why not XlsxWriter's ``constant_memory`` mode: it builds each cell through
several Python layers; on this project's machine it wrote 11,000–19,000 rows/s
of 8 columns (``bench/export_bench.py --compare``), short of the 20,000 rows/s
the exports must sustain end to end. This writer formats a chunk column by
column, mostly in C-level ``map`` calls (≈ 64,000 rows/s end to end).
"""

import datetime
import operator
import re
import zipfile
from decimal import Decimal
from itertools import repeat

from .columns import AUTO, BOOLEAN, DATE, DATETIME, INTEGER, MONEY, NUMBER

STYLE_HEADER = 1
STYLE_DATE = 2
STYLE_DATETIME = 3
STYLE_MONEY = 4

MAX_COLUMNS = 16_384
MAX_TEXT = 32_767
_EPOCH = datetime.date(1899, 12, 30).toordinal()
_ILLEGAL = {c: None for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)}
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", **_ILLEGAL})
_ESCAPE_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", **_ILLEGAL})
_NEEDS_ESCAPE = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_ESCAPE = re.compile(r"(_x[0-9A-Fa-f]{4}_)")
_SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

_STYLES = (
    f"{_HEAD}<styleSheet {_NS}>"
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


_CELL_TEXT = '<c r="{}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>'.format
_CELL_DATE = f'<c r="{{}}" s="{STYLE_DATE}"><v>{{}}</v></c>'.format
_CELL_MONEY = f'<c r="{{}}" s="{STYLE_MONEY}"><v>{{}}</v></c>'.format
_CELL_NUMBER = '<c r="{}"><v>{}</v></c>'.format
_CELL_BOOL = '<c r="{}" t="b"><v>{}</v></c>'.format
_ROW = '<row r="{}">{}</row>'.format
_BOOL_DIGIT = {True: 1, False: 0}
_FIRST_SERIAL_DAY = datetime.date(1900, 3, 1)


def column_letter(index):
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def escape_text(value):
    text = value.translate(_ESCAPE)
    if "_x" in text:
        text = _EXCEL_ESCAPE.sub(r"_x005F\1", text)
    return text


def date_serial(value):
    """Excel's 1900 date system, including its fictitious 29 Feb 1900; None before 1900."""
    serial = value.toordinal() - _EPOCH
    if serial < 61:
        serial -= 1
    return serial if serial >= 1 else None


def _text_cell(ref, value):
    if value is None or value == "":
        return ""
    if value.__class__ is not str:
        value = str(value)
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT]
    text = value.translate(_ESCAPE)
    if "_x" in text:
        text = _EXCEL_ESCAPE.sub(r"_x005F\1", text)
    if text and (text[0] in " \t\n" or text[-1] in " \t\n"):
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


class XlsxStreamWriter:
    """``add_sheet`` → ``write_rows`` … → (``add_sheet`` …) → ``close``."""

    def __init__(self, path, *, compresslevel=3, tz=None):
        self.path = path
        self.tz = tz
        self.zip = zipfile.ZipFile(
            path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
        )
        self.sheets = []  # (name, columns, last row)
        self.stream = None
        self.row = 0
        self.formatters = ()
        self.letters = ()

    # -- cells --------------------------------------------------------------------
    def _number(self, ref, value, style=""):
        if value.__class__ is Decimal:
            if not value.is_finite():
                return _text_cell(ref, value)
        elif value.__class__ is float and (value != value or value in (float("inf"), -float("inf"))):
            return _text_cell(ref, value)
        return f'<c r="{ref}"{style}><v>{value}</v></c>'

    def _money(self, ref, value):
        return self._number(ref, value, f' s="{STYLE_MONEY}"')

    def _integer(self, ref, value):
        return f'<c r="{ref}"><v>{int(value)}</v></c>'

    def _date(self, ref, value):
        if isinstance(value, datetime.datetime):
            return self._datetime(ref, value)
        serial = date_serial(value)
        if serial is None:
            return _text_cell(ref, value.isoformat())
        return f'<c r="{ref}" s="{STYLE_DATE}"><v>{serial}</v></c>'

    def _datetime(self, ref, value):
        if not isinstance(value, datetime.datetime):
            return self._date(ref, value)
        if value.tzinfo is not None and self.tz is not None:
            value = value.astimezone(self.tz)
        serial = date_serial(value.date())
        if serial is None:
            return _text_cell(ref, value.replace(tzinfo=None).isoformat(sep=" "))
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return f'<c r="{ref}" s="{STYLE_DATETIME}"><v>{serial + seconds / 86400!r}</v></c>'

    def _boolean(self, ref, value):
        return f'<c r="{ref}" t="b"><v>{1 if value else 0}</v></c>'

    def _auto(self, ref, value):
        if isinstance(value, bool):
            return self._boolean(ref, value)
        if isinstance(value, int | float | Decimal):
            return self._number(ref, value)
        if isinstance(value, datetime.date):
            return self._date(ref, value)
        return _text_cell(ref, value)

    # -- columns: a chunk is formatted column by column, mostly in C-level maps ---------
    def _per_cell(self, cell, refs, column):
        return ["" if value is None else cell(ref, value) for ref, value in zip(refs, column, strict=True)]

    def _text_column(self, refs, column):
        try:
            joined = "".join(column)
            if max(map(len, column), default=0) > MAX_TEXT:
                raise TypeError
        except TypeError:  # None, not only strings, or too long
            return self._per_cell(_text_cell, refs, column)
        escaped = column
        if _NEEDS_ESCAPE.search(joined):  # one C-level scan of the whole chunk
            escaped = [e.translate(_ESCAPE) if _NEEDS_ESCAPE.search(e) else e for e in escaped]
        if "_x" in joined:
            escaped = [_EXCEL_ESCAPE.sub(r"_x005F\1", e) if "_x" in e else e for e in escaped]
        cells = list(map(_CELL_TEXT, refs, escaped))
        if "" in escaped:  # an empty string is a blank cell, not an empty text
            cells = [cell if text else "" for cell, text in zip(cells, escaped, strict=True)]
        return cells

    def _date_column(self, refs, column):
        try:
            if min(column) < _FIRST_SERIAL_DAY:
                raise TypeError
            serials = map(operator.sub, map(datetime.date.toordinal, column), repeat(_EPOCH))
            return list(map(_CELL_DATE, refs, serials))
        except (TypeError, ValueError):  # None, mixed types, dates before March 1900
            return self._per_cell(self._date, refs, column)

    def _money_column(self, refs, column):
        try:
            if not all(map(Decimal.is_finite, column)):
                raise TypeError
        except TypeError:  # None, floats, NaN
            return self._per_cell(self._money, refs, column)
        return list(map(_CELL_MONEY, refs, column))

    def _integer_column(self, refs, column):
        try:
            return list(map(_CELL_NUMBER, refs, map(int, column)))
        except (TypeError, ValueError):
            return self._per_cell(self._integer, refs, column)

    def _boolean_column(self, refs, column):
        try:
            return list(map(_CELL_BOOL, refs, map(_BOOL_DIGIT.__getitem__, column)))
        except (KeyError, TypeError):
            return self._per_cell(self._boolean, refs, column)

    def _column_formatter(self, kind):
        per_cell = {DATETIME: self._datetime, NUMBER: self._number, AUTO: self._auto}
        if kind in per_cell:
            cell = per_cell[kind]
            return lambda refs, column: self._per_cell(cell, refs, column)
        return {
            DATE: self._date_column,
            MONEY: self._money_column,
            INTEGER: self._integer_column,
            BOOLEAN: self._boolean_column,
        }.get(kind, self._text_column)

    # -- sheets -------------------------------------------------------------------
    def _unique_name(self, name):
        base = (name.translate(_SHEET_NAME_FORBIDDEN).strip(" '") or "Sheet")[:31]
        taken = {existing.lower() for existing, _c, _r in self.sheets}
        candidate, number = base, 1
        while candidate.lower() in taken:
            number += 1
            suffix = f" ({number})"
            candidate = base[: 31 - len(suffix)] + suffix
        return candidate

    def add_sheet(self, name, headers, kinds, widths, *, expected_rows=0):
        """Start a new sheet with a bold, frozen, filterable header row."""
        if not 0 < len(headers) <= MAX_COLUMNS:
            raise ValueError(f"an xlsx sheet holds 1..{MAX_COLUMNS} columns, not {len(headers)}")
        self._finish_sheet()
        index = len(self.sheets) + 1
        self.sheets.append([self._unique_name(name), len(headers), 1])
        self.letters = [column_letter(i) for i in range(len(headers))]
        self.formatters = [self._column_formatter(kind) for kind in kinds]
        # Entries past 2 GiB need zip64; estimated generously from the row width.
        huge = expected_rows * len(headers) * 120 > 1_500_000_000
        self.stream = self.zip.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=huge)
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(widths, start=1)
        )
        header_cells = "".join(
            f'<c r="{letter}1" t="inlineStr" s="{STYLE_HEADER}"><is><t>{escape_text(str(h))}</t>'
            "</is></c>"
            for letter, h in zip(self.letters, headers, strict=True)
        )
        self.stream.write(
            (
                f"{_HEAD}<worksheet {_NS} {_NS_R}><sheetViews><sheetView workbookViewId=\"0\">"
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft"/></sheetView></sheetViews>'
                f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
                f'<row r="1">{header_cells}</row>'
            ).encode()
        )
        self.row = 1

    def write_rows(self, rows):
        """Append rows (sequences of values in column order; None leaves a cell empty)."""
        if rows:
            self.write_columns(list(zip(*rows, strict=True)))

    def write_columns(self, values):
        """Append a chunk given as one sequence of values per column (equal lengths)."""
        if len(values) != len(self.letters):
            raise ValueError(f"expected {len(self.letters)} columns, got {len(values)}")
        first = self.row + 1
        numbers = list(map(str, range(first, first + len(values[0]))))
        cells = [
            fmt(list(map(letter.__add__, numbers)), column)
            for letter, fmt, column in zip(self.letters, self.formatters, values, strict=True)
        ]
        rows = map("".join, zip(*cells, strict=True))
        self.stream.write("".join(map(_ROW, numbers, rows)).encode())
        self.row = first + len(numbers) - 1
        self.sheets[-1][2] = self.row

    def _finish_sheet(self):
        if self.stream is None:
            return
        last = column_letter(self.sheets[-1][1] - 1)
        self.stream.write(
            f'</sheetData><autoFilter ref="A1:{last}{self.row}"/></worksheet>'.encode()
        )
        self.stream.close()
        self.stream = None

    def close(self):
        """Write the workbook parts and close the zip; returns the number of sheets."""
        self._finish_sheet()
        count = len(self.sheets)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT_SHEET}"/>'
            for i in range(1, count + 1)
        )
        self.zip.writestr(
            "[Content_Types].xml",
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        self.zip.writestr(
            "_rels/.rels",
            f'{_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        sheets = "".join(
            f'<sheet name="{name.translate(_ESCAPE_ATTR)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, (name, _c, _r) in enumerate(self.sheets, start=1)
        )
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"'{name.replace(chr(39), chr(39) * 2).translate(_ESCAPE)}'!$A$1:"
            f"${column_letter(ncols - 1)}${rows}</definedName>"
            for i, (name, ncols, rows) in enumerate(self.sheets)
        )
        self.zip.writestr(
            "xl/workbook.xml",
            f"{_HEAD}<workbook {_NS} {_NS_R}><bookViews><workbookView/></bookViews>"
            f"<sheets>{sheets}</sheets>"
            + (f"<definedNames>{names}</definedNames>" if names else "")
            + "</workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, count + 1)
        )
        self.zip.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships">{rels}<Relationship Id="rId{count + 1}" Type="{_REL}/styles" '
            'Target="styles.xml"/></Relationships>',
        )
        self.zip.writestr("xl/styles.xml", _STYLES)
        self.zip.close()
        return count

    def abort(self):
        """Close handles after a failure (the caller deletes the partial file)."""
        try:
            if self.stream is not None:
                self.stream.close()
            self.zip.close()
        except (OSError, ValueError):
            pass
