"""Documents: the notice to an employer (PDF and Excel of its lines), summary exports.

The PDF uses the DejaVu Sans font vendored in ``reconciliation/fonts`` (Cyrillic
and the Kazakh letters), so a fresh machine renders it without system fonts.
Excel files are written with XlsxWriter in ``constant_memory`` mode.
"""

import io
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from osms.core.formatting import money, number
from osms.core.workbooks import new_workbook

from .models import DiscrepancyType
from .models.discrepancies import ContributionKind

FONTS = Path(__file__).resolve().parent / "fonts"


def _money(value):
    if value in (None, ""):
        return ""
    return number(Decimal(value), 2)


def _type_label(value):
    return str(DiscrepancyType(value).label) if value in DiscrepancyType.values else value


def _kind_label(value):
    return str(ContributionKind(value).label) if value in ContributionKind.values else value


NOTICE_COLUMNS = (
    ("iin", 26), ("person", 46), ("kind", 46), ("type", 46), ("declared", 26), ("paid", 26),
    ("expected", 26), ("amount", 26),
)


def _column_titles():
    return {
        "iin": _("IIN"), "person": _("Person"), "kind": _("Kind"), "type": _("Discrepancy"),
        "declared": _("Declared"), "paid": _("Paid"), "expected": _("Expected"),
        "amount": _("Amount"), "income": _("Income"), "other_period": _("Period paid"),
    }


def _cell_text(line, key):
    if key == "type":
        text = _type_label(line["type"])
        if line.get("other_period"):
            text += f" ({line['other_period']})"
        return text
    if key == "kind":
        return _kind_label(line["kind"])
    if key in ("declared", "paid", "expected", "amount"):
        return _money(line.get(key))
    return str(line.get(key, ""))


class _NoticePdf(FPDF):
    def footer(self):
        self.set_y(-10)
        self.set_font("DejaVu", size=7)
        self.cell(0, 6, _("Page %(n)s of %(total)s") % {"n": self.page_no(), "total": "{nb}"},
                  align="C")


NUMERIC = ("declared", "paid", "expected", "amount")


def notice_rows(notice):
    """The notice's lines as an operator reads them: (column titles, rows of text)."""
    titles = _column_titles()
    return ([str(titles[key]) for key, _width in NOTICE_COLUMNS],
            [[_cell_text(line, key) for key, _width in NOTICE_COLUMNS] for line in notice.lines])


def notice_pdf(notice):
    """The notice as a landscape A4 PDF (bytes): the lines in a table whose cells wrap at
    word boundaries (nothing cut), page numbers, the total with thousands separated."""
    pdf = _NoticePdf(orientation="L", format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(0, 8, _("Notice of discrepancies № %(n)s") % {"n": notice.number},
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    employer = notice.employer
    for text in (
        _("To: %(name)s, BIN %(bin)s") % {"name": employer.name, "bin": employer.bin},
        _("Period: %(p)s") % {"p": f"{notice.period:%m.%Y}"},
        _("Issued: %(d)s") % {"d": timezone.localtime(notice.created_at).strftime("%d.%m.%Y")},
        _("The Social Health Insurance Fund compared your tax declarations with the "
          "deductions and contributions received. Please pay or correct the items below "
          "within 10 working days, or explain them to your Fund branch."),
    ):
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    headers, rows = notice_rows(notice)
    align = tuple("RIGHT" if key in NUMERIC else "LEFT" for key, _width in NOTICE_COLUMNS)
    pdf.set_font("DejaVu", "B", 8)
    with pdf.table(col_widths=tuple(w for _k, w in NOTICE_COLUMNS), text_align=align,
                   line_height=5) as table:
        table.row(headers)
        pdf.set_font("DejaVu", "", 8)
        for row in rows:
            table.row(row)
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 7, _("Total owed: %(t)s") % {"t": money(notice.total)},
             new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def notice_xlsx(notice):
    """The notice's lines as an Excel sheet (bytes)."""
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = workbook.add_worksheet(notice.number[:31])
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "# ##0.00"})
    titles = _column_titles()
    keys = ("iin", "person", "kind", "type", "other_period", "income", "declared", "paid",
            "expected", "amount")
    sheet.write_row(0, 0, [titles[k] for k in keys], bold)
    for row, line in enumerate(notice.lines, start=1):
        for col, key in enumerate(keys):
            value = line.get(key, "")
            if key in ("income", "declared", "paid", "expected", "amount") and value != "":
                sheet.write_number(row, col, float(Decimal(value)), money)
            elif key == "type":
                sheet.write_string(row, col, _type_label(value))
            elif key == "kind":
                sheet.write_string(row, col, _kind_label(value))
            else:
                sheet.write_string(row, col, str(value))
    workbook.close()
    return buffer.getvalue()


def summary_xlsx(rows):
    """Collections against expectations: rows of CollectionSummary (an iterable)."""
    from payers.models import PaymentKind

    buffer = io.BytesIO()
    workbook = new_workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = workbook.add_worksheet(_("Collections")[:31])
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "# ##0.00"})
    sheet.write_row(0, 0, [_("Period"), _("Region"), _("Payer type"), _("Expected"),
                           _("Declared"), _("Collected"), _("Gap"), _("Persons paid for")],
                    bold)
    kinds = dict(PaymentKind.choices)
    for index, row in enumerate(rows, start=1):
        sheet.write_string(index, 0, f"{row.period:%Y-%m}")
        sheet.write_string(index, 1, row.region.name)
        sheet.write_string(index, 2, str(kinds.get(row.payer_type, row.payer_type)))
        for col, value in ((3, row.expected), (4, row.declared), (5, row.collected),
                           (6, row.gap)):
            if value is None:
                sheet.write_blank(index, col, None)
            else:
                sheet.write_number(index, col, float(value), money)
        sheet.write_number(index, 7, row.persons)
    workbook.close()
    return buffer.getvalue()
