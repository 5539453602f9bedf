"""Declaration imports: rows validated with reasons, bulk-loaded, idempotent, corrective."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from reconciliation.importer import declarations_import
from reconciliation.models import Declaration, DeclarationImportRun
from tests.factories import OrganisationFactory, PersonFactory

from .helpers import HEADER, csv_bytes, declaration_line, import_lines

JAN = datetime.date(2026, 1, 1)


@pytest.fixture
def employer(db):
    return OrganisationFactory()


def test_a_good_file_loads_every_line_with_its_figures(employer):
    person = PersonFactory()
    run = import_lines([declaration_line(employer.bin, person.iin, JAN, "1200000", "36000",
                                         "24000", ipn="108000", social_tax="66150",
                                         opv="120000", so="42000")])
    assert (run.status, run.rows_read, run.inserted, run.rejected) == ("done", 1, 1, 0)
    line = Declaration.objects.get()
    assert (line.employer, line.person, line.period) == (employer, person, JAN)
    assert line.income == Decimal("1200000.00")
    assert (line.osms_deduction, line.osms_contribution) == (Decimal("36000"), Decimal("24000"))
    assert (line.ipn, line.social_tax, line.opv, line.so) == (
        Decimal("108000"), Decimal("66150"), Decimal("120000"), Decimal("42000"))
    assert run.progress == 100 and run.finished_at is not None


def test_bad_rows_are_rejected_with_row_field_and_reason_and_the_rest_loads(employer):
    good = PersonFactory()
    lines = [
        declaration_line(employer.bin, good.iin, JAN, "300000", "9000", "6000"),        # row 2
        declaration_line(employer.bin, "871008401428", JAN, "1", "0", "0"),           # row 3
        declaration_line(employer.bin, good.iin, JAN, "300000", "-1", "6000")
        .replace(f";{JAN:%Y-%m};", ";2025-12;"),                                        # row 4
        declaration_line(employer.bin, good.iin, JAN, "3e", "9000", "6000")
        .replace(f";{JAN:%Y-%m};", ";2025-11;"),                                        # row 5
        declaration_line(employer.bin, good.iin, JAN, "300000", "9000", "6000")
        .replace(f";{JAN:%Y-%m};", ";13.2025;"),                                        # row 6
        declaration_line("123456789012", good.iin, JAN, "300000", "9000", "6000"),     # row 7
        declaration_line(employer.bin, good.iin, JAN, "300000", "9000.001", "6000")
        .replace(f";{JAN:%Y-%m};", ";2025-10;"),                                        # row 8
        declaration_line(employer.bin, good.iin, JAN, "300000", "9000", "6000"),        # row 9
        f"{employer.bin};{good.iin};2026-01",                                           # row 10
    ]
    run = import_lines(lines)
    rejects = {r.row_no: (r.field, r.reason) for r in run.rejects.all()}
    assert set(rejects) == {3, 4, 5, 6, 7, 8, 9, 10}
    assert rejects[3][0] == "iin" and "check digit" in rejects[3][1]
    assert rejects[4][0] == "osms_deduction" and "negative" in rejects[4][1]
    assert rejects[5][0] == "income"
    assert rejects[6][0] == "period"
    assert rejects[7][0] == "employer_bin"
    assert rejects[8][0] == "osms_deduction" and "2 decimal" in rejects[8][1]
    assert "row 2" in rejects[9][1] or rejects[9][1].endswith("2")
    assert run.inserted == 1 and run.rejected == 8 and Declaration.objects.count() == 1


def test_an_employer_missing_from_the_registry_is_rejected(db):
    from payers.validators import make_bin

    unknown = make_bin(2011, 5, 77777)
    run = import_lines([declaration_line(unknown, PersonFactory().iin, JAN, "1", "0", "0")])
    reject = run.rejects.get()
    assert (reject.row_no, reject.field) == (2, "employer_bin") and unknown in reject.reason
    assert run.inserted == 0 and not Declaration.objects.exists()


def test_an_unknown_iin_is_loaded_without_a_person(employer):
    from payers.validators import make_iin

    iin = make_iin(datetime.date(1999, 9, 9), "M", 99)
    import_lines([declaration_line(employer.bin, iin, JAN, "100000", "3000", "2000")])
    assert Declaration.objects.get().person is None


def test_the_same_file_twice_loads_once(employer):
    body = csv_bytes([declaration_line(employer.bin, PersonFactory().iin, JAN, "1", "0", "0")])
    first = declarations_import(stream=io.BytesIO(body), file_name="a.csv", source="command")
    again = declarations_import(stream=io.BytesIO(body), file_name="b.csv", source="command")
    assert again.pk == first.pk and again.already_loaded
    assert Declaration.objects.count() == 1 and DeclarationImportRun.objects.count() == 1


def test_a_corrective_file_replaces_the_figures_and_counts_unchanged_lines(employer):
    a, b = PersonFactory(), PersonFactory()
    import_lines([declaration_line(employer.bin, a.iin, JAN, "300000", "9000", "6000"),
                  declaration_line(employer.bin, b.iin, JAN, "200000", "6000", "4000")])
    run = import_lines([declaration_line(employer.bin, a.iin, JAN, "300000", "9000", "6000"),
                        declaration_line(employer.bin, b.iin, JAN, "250000", "7500", "5000")],
                       name="corrective.csv")
    assert (run.inserted, run.updated, run.unchanged) == (0, 1, 1)
    line = Declaration.objects.get(iin=b.iin)
    assert line.income == Decimal("250000") and line.import_run == run
    assert Declaration.objects.count() == 2


def test_comma_separated_file_with_decimal_commas_and_mmyyyy_periods(employer):
    person = PersonFactory()
    body = (HEADER.replace(";", ",") + "\n"
            + f'{employer.bin},{person.iin},012026,"300 000,50","9 000,02","6 000,01",0,0,0,0\n')
    run = declarations_import(stream=io.BytesIO(body.encode()), file_name="x.csv",
                              source="command")
    assert run.rejected == 0
    line = Declaration.objects.get()
    assert (line.period, line.income, line.osms_deduction) == (
        JAN, Decimal("300000.50"), Decimal("9000.02"))


def test_xlsx_with_numeric_cells_and_date_periods(employer):
    person = PersonFactory()
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(";"))
    sheet.append([employer.bin, int(person.iin), datetime.datetime(2026, 1, 1), 300000, 9000,
                  6000, 27000, 15750, 30000, 10500])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    run = declarations_import(stream=buffer, file_name="decl.xlsx", source="admin")
    assert (run.status, run.inserted, run.rejected) == ("done", 1, 0)
    assert Declaration.objects.get().iin == person.iin


def test_a_file_without_the_required_columns_fails_cleanly(db):
    run = declarations_import(stream=io.BytesIO(b"employer_bin;iin\n1;2\n"), file_name="x.csv",
                              source="command")
    assert run.status == "failed" and "income" in run.error
    assert not Declaration.objects.exists()


def test_the_command_loads_the_sample_file_and_reports(db, capsys, tmp_path):
    with pytest.raises(CommandError):
        call_command("import_declarations", str(tmp_path / "missing.csv"))
    broken = tmp_path / "broken.txt"
    broken.write_text("nothing here\n")
    with pytest.raises(CommandError, match="failed"):
        call_command("import_declarations", str(broken))


def test_the_sample_file_is_valid(db):
    from pathlib import Path

    import reconciliation

    sample = Path(reconciliation.__file__).parent / "samples" / "declarations_sample.csv"
    with sample.open("rb") as stream:
        run = declarations_import(stream=stream, file_name=sample.name, source="command")
    # The sample's employers are not in an empty registry: every line is rejected for that
    # reason alone, which proves every other field of every line is valid.
    reasons = {r.field for r in run.rejects.all()}
    assert run.status == "done" and run.rows_read >= 10 and reasons == {"employer_bin"}
