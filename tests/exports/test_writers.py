"""The streaming xlsx writer and the csv writer, on their own."""

import datetime
import zipfile
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osms.exports.columns import Column
from osms.exports.writers import CsvSink, XlsxSink
from osms.exports.xlsx import XlsxStreamWriter, column_letter, date_serial

from .conftest import read_csv, read_xlsx

_XML_SAFE_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters=[chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32))] + ["\r"],
    ),
    max_size=40,
)


def _write(path, rows, kinds, headers=None):
    writer = XlsxStreamWriter(path)
    headers = headers or [f"c{i}" for i in range(len(kinds))]
    writer.add_sheet("Лист", headers, kinds, [12] * len(kinds))
    writer.write_rows(rows)
    writer.close()
    return next(iter(read_xlsx(str(path)).values()))


def test_excel_serials_follow_the_1900_date_system():
    assert date_serial(datetime.date(1900, 1, 1)) == 1
    assert date_serial(datetime.date(1900, 2, 28)) == 59
    assert date_serial(datetime.date(1900, 3, 1)) == 61  # Excel's fictitious 29 Feb 1900 is 60
    assert date_serial(datetime.date(2026, 1, 1)) == 46023
    assert date_serial(datetime.date(1899, 12, 31)) is None


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702, 16383)] == [
        "A", "Z", "AA", "ZZ", "AAA", "XFD"]


def test_typed_cells_round_trip(tmp_path):
    rows = [["  ведущий пробел", Decimal("1234567.89"), datetime.date(2026, 2, 1),
             datetime.datetime(2026, 2, 1, 9, 30), True, 42, None, "A & B <c>"]]
    kinds = ["text", "money", "date", "datetime", "bool", "int", "text", "text"]
    header, row = _write(tmp_path / "t.xlsx", rows, kinds)
    assert header == ("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7")
    assert row == ("  ведущий пробел", 1234567.89, datetime.datetime(2026, 2, 1),
                   datetime.datetime(2026, 2, 1, 9, 30), True, 42, None, "A & B <c>")


def test_control_characters_are_dropped_and_excel_escapes_kept_literal(tmp_path):
    header, row = _write(tmp_path / "t.xlsx", [["a\x00b\x1fc", "_x0041_"]], ["text", "text"])
    assert row[0] == "abc"
    # Excel reads "_x0041_" as an escaped "A"; the escaped underscore keeps the text literal.
    with zipfile.ZipFile(tmp_path / "t.xlsx") as package:
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
    assert ">_x005F_x0041_</t>" in sheet


def test_dates_before_1900_are_written_as_text(tmp_path):
    _header, row = _write(tmp_path / "t.xlsx", [[datetime.date(1899, 5, 1)]], ["date"])
    assert row == ("1899-05-01",)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=_XML_SAFE_TEXT,
    amount=st.decimals(min_value=Decimal("-999999999999.99"), max_value=Decimal("999999999999.99"),
                       places=2),
    day=st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2100, 12, 31)),
)
def test_any_text_money_and_date_round_trip(tmp_path, text, amount, day):
    header, row = _write(tmp_path / "p.xlsx", [[text, amount, day]], ["text", "money", "date"])
    assert (row[0] or "") == text
    assert Decimal(str(row[1])) == amount
    assert row[2] == datetime.datetime.combine(day, datetime.time())


def test_sheet_names_are_made_valid_and_unique(tmp_path):
    writer = XlsxStreamWriter(tmp_path / "n.xlsx")
    for _ in range(2):
        writer.add_sheet("Платежи: январь/февраль [2026] очень длинное имя", ["a"], ["text"], [5])
        writer.write_rows([["x"]])
    assert writer.close() == 2
    names = list(read_xlsx(str(tmp_path / "n.xlsx")))
    assert len(names) == 2 and all(len(n) <= 31 for n in names) and names[0] != names[1]
    assert not any(c in "".join(names) for c in "[]:*?/\\")


def test_the_workbook_is_a_valid_package(tmp_path):
    _write(tmp_path / "z.xlsx", [["a"]], ["text"])
    with zipfile.ZipFile(tmp_path / "z.xlsx") as package:
        assert package.testzip() is None
        assert set(package.namelist()) == {
            "xl/worksheets/sheet1.xml", "[Content_Types].xml", "_rels/.rels",
            "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"}


def test_sink_splits_a_chunk_across_sheets(tmp_path, settings):
    columns = [Column(name="n", header="N", kind="int")]
    sink = XlsxSink(tmp_path / "s.xlsx", columns=columns, sheet_title="Rows", rows_per_sheet=4)
    sink.write_rows([[i] for i in range(5)])
    sink.write_rows([[i] for i in range(5, 8)])
    assert sink.close() == 3
    sheets = read_xlsx(str(tmp_path / "s.xlsx"))
    assert [[r[0] for r in rows] for rows in sheets.values()] == [
        ["N", 0, 1, 2], ["N", 3, 4, 5], ["N", 6, 7]]


def test_csv_neutralises_formulas_and_writes_local_times(tmp_path, settings):
    settings.TIME_ZONE = "Asia/Almaty"
    columns = [Column(name="t", header="T", kind="text"),
               Column(name="d", header="D", kind="datetime"),
               Column(name="m", header="M", kind="money")]
    sink = CsvSink(tmp_path / "c.csv", columns=columns)
    moment = datetime.datetime(2026, 1, 31, 19, 0, tzinfo=datetime.UTC)
    sink.write_rows([["=HYPERLINK(\"x\")", moment, Decimal("-5.00")], ["Ахметова", None, None]])
    sink.close()
    assert read_csv(tmp_path / "c.csv") == [
        ["T", "D", "M"],
        ["'=HYPERLINK(\"x\")", "2026-02-01 00:00:00", "-5.00"],
        ["Ахметова", "", ""],
    ]
