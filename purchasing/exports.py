"""The commission protocol as Excel (XlsxWriter) and PDF (fpdf2, DejaVu for Cyrillic)."""

import io
import logging
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from osms.core.formatting import money, number
from osms.core.workbooks import new_workbook

from .allocation import algorithm_label
from .explain import explain_line
from .services.allocations import protocol_tally

FONTS = Path(__file__).resolve().parent / "fonts"
# fpdf2 subsets the font with fontTools, which logs every glyph at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)


def protocol_content(protocol):
    """Everything the protocol shows, as plain values (shared by both formats)."""
    campaign = protocol.campaign
    lines = list(protocol.allocation.lines.select_related("provider").order_by("rank"))
    tally = protocol.decision or protocol_tally(protocol)
    votes = {row["line"]: row for row in tally.get("lines", [])}
    adjustments = [
        (a.line.provider.name, a.old_volume, a.new_volume, a.reason,
         a.user.get_full_name() or a.user.username,
         timezone.localtime(a.created_at).strftime("%d.%m.%Y %H:%M"))
        for line in lines for a in line.adjustments.select_related("user").order_by("created_at")
    ]
    members = [
        (m.full_name, m.get_role_display(), m.organisation_name)
        for m in (protocol.meeting.present.order_by("role", "full_name") if protocol.meeting
                  else campaign.commission.members.filter(active=True))
    ] if campaign.commission_id else []
    header = [
        (_("Protocol"), protocol.number),
        (_("Status"), protocol.get_status_display()),
        (_("Region"), campaign.region.name),
        (_("Type of care"), str(campaign.care_type)),
        (_("Year"), campaign.year),
        (_("Planned volume"), f"{number(campaign.planned_volume)} {campaign.unit_label}"),
        (_("Tariff per unit"), money(campaign.unit_price)),
        (_("Budget"), money(campaign.budget)),
        (_("Algorithm"), str(algorithm_label(protocol.allocation.algorithm))),
        (_("Approved at"), timezone.localtime(protocol.approved_at).strftime("%d.%m.%Y %H:%M")
         if protocol.approved_at else "—"),
        (_("Approved by"), (protocol.approved_by.get_full_name() or protocol.approved_by.username)
         if protocol.approved_by else "—"),
    ]
    rows = []
    for line in lines:
        vote = votes.get(line.pk, {})
        rows.append([line.rank, line.provider.name, line.provider.bin, line.score,
                     line.requested_volume, line.ceiling, line.proposed_volume, line.volume,
                     line.amount, vote.get("for", ""), vote.get("against", ""),
                     vote.get("recused", ""), explain_line(line)])
    total_volume = sum(line.volume for line in lines)
    total_amount = sum((line.amount for line in lines), Decimal("0.00"))
    return {"header": header, "rows": rows, "total_volume": total_volume,
            "total_amount": total_amount, "adjustments": adjustments, "members": members,
            "quorum": tally.get("quorum")}


def columns():
    return [_("Rank"), _("Provider"), _("BIN"), _("Score"), _("Requested"), _("Maximum"),
            _("Proposed"), _("Volume"), _("Amount, ₸"), _("For"), _("Against"), _("Recused"),
            _("Explanation")]


def protocol_xlsx(protocol):
    content = protocol_content(protocol)
    buffer = io.BytesIO()
    book = new_workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("Protocol")[:31])
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    row = 0
    for label, value in content["header"]:
        sheet.write(row, 0, str(label), bold)
        sheet.write(row, 1, float(value) if isinstance(value, Decimal) else value)
        row += 1
    row += 1
    table_start = row
    for col, title in enumerate(columns()):
        sheet.write(row, col, str(title), bold)
    for values in content["rows"]:
        row += 1
        for col, value in enumerate(values):
            if isinstance(value, Decimal):
                sheet.write_number(row, col, float(value), money if col == 8 else None)
            elif col == 12:
                sheet.write(row, col, value, wrap)
            else:
                sheet.write(row, col, value)
    row += 1
    sheet.write(row, 1, _("Total"), bold)
    sheet.write_number(row, 7, content["total_volume"], bold)
    sheet.write_number(row, 8, float(content["total_amount"]), money)
    sheet.set_column(1, 1, 40)
    sheet.set_column(12, 12, 80)
    sheet.autofilter(table_start, 0, row - 1, len(columns()) - 1)
    adjustments = book.add_worksheet(_("Adjustments")[:31])
    for col, title in enumerate([_("Provider"), _("Old volume"), _("New volume"), _("Reason"),
                                 _("Changed by"), _("Changed at")]):
        adjustments.write(0, col, str(title), bold)
    for index, values in enumerate(content["adjustments"], start=1):
        for col, value in enumerate(values):
            adjustments.write(index, col, value)
    adjustments.set_column(0, 0, 40)
    adjustments.set_column(3, 3, 60)
    members = book.add_worksheet(_("Members")[:31])
    for index, values in enumerate(content["members"]):
        for col, value in enumerate(values):
            members.write(index, col, str(value))
    book.close()
    return buffer.getvalue()


class _ProtocolPdf(FPDF):
    """Page numbers «2 / 5» on every page; a draft carries «ПРОЕКТ» across each page, drawn
    first so the text stays readable over it."""

    draft = False

    def header(self):
        if not self.draft:
            return
        self.set_font("DejaVu", "B", 90)
        self.set_text_color(225, 225, 225)
        x, y = self.w / 2 - 70, self.h / 2 + 25
        with self.rotation(angle=25, x=self.w / 2, y=self.h / 2):
            self.text(x, y, str(_("DRAFT")))
        self.set_text_color(0, 0, 0)
        self.set_y(self.t_margin)

    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", size=7)
        self.cell(0, 8, _("Page %(n)s of %(total)s") % {"n": self.page_no(), "total": "{nb}"},
                  align="C")


def protocol_pdf(protocol):
    content = protocol_content(protocol)
    pdf = _ProtocolPdf(orientation="L", format="A4")
    pdf.draft = protocol.status != protocol.Status.APPROVED
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 13)
    pdf.cell(0, 8, _("Protocol of the commission № %(n)s") % {"n": protocol.number},
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)
    for label, value in content["header"]:
        pdf.cell(0, 5, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    headers = [str(c) for c in columns()[:12]]
    pdf.set_font("DejaVu", "B", 7)
    widths = column_widths(pdf, headers, content["rows"])
    with pdf.table(col_widths=widths, text_align=ALIGN, line_height=4) as table:
        table.row(headers)
        pdf.set_font("DejaVu", size=7)
        for values in content["rows"]:
            table.row(cells(values))
        table.row(["", str(_("Total")), "", "", "", "", "", number(content["total_volume"]),
                   number(content["total_amount"], 2), "", "", ""])
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 9)
    pdf.cell(0, 6, _("Explanations"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=7)
    for values in content["rows"]:
        pdf.multi_cell(0, 4, f"{values[0]}. {values[1]}: {values[12]}", new_x="LMARGIN",
                       new_y="NEXT")
    if content["adjustments"]:
        pdf.ln(2)
        pdf.set_font("DejaVu", "B", 9)
        pdf.cell(0, 6, _("Adjustments by the commission"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", size=7)
        for name, old, new, reason, user, when in content["adjustments"]:
            pdf.multi_cell(0, 4, f"{when} · {user} · {name}: {old} → {new}. {reason}",
                           new_x="LMARGIN", new_y="NEXT")
    if content["quorum"]:
        pdf.ln(2)
        pdf.cell(0, 5, _("Quorum: %(p)s of %(t)s voting members present (%(r)s required).") % {
            "p": content["quorum"]["present"], "t": content["quorum"]["total"],
            "r": content["quorum"]["required"]}, new_x="LMARGIN", new_y="NEXT")
    signatures(pdf, content["members"])
    return bytes(pdf.output())


# Rank and the figures right-aligned, names and the BIN left.
ALIGN = ("RIGHT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT",
         "RIGHT", "RIGHT")


def cells(values):
    """One table row: figures grouped (1 045 500,00), the rest as text."""
    shown = []
    for index, value in enumerate(values[:12]):
        if index == 8:
            shown.append(number(value, 2))
        elif index in (3, 4, 5, 6, 7, 9, 10, 11) and value not in ("", None):
            shown.append(number(value))
        else:
            shown.append(str(value))
    return shown


def column_widths(pdf, headers, rows, total=277):
    """Widths (mm) that fit the longest word of each header and the widest figure, so no word
    is broken or header cut; the provider's name takes what is left."""
    padding = 3
    widths = []
    for index, header in enumerate(headers):
        longest = max(pdf.get_string_width(word) for word in header.split()) + padding
        for values in rows:
            if index != 1:
                longest = max(longest, pdf.get_string_width(cells(values)[index]) + padding)
        widths.append(longest)
    widths[1] = max(40, total - (sum(widths) - widths[1]))
    return tuple(widths)


def signatures(pdf, members):
    """The signatures block: each member present with a line to sign and date."""
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 9)
    pdf.cell(0, 6, _("Signatures"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=8)
    for name, role, organisation in members:
        pdf.cell(120, 7, f"{role}: {name} ({organisation})")
        pdf.cell(80, 7, _("signature") + " ____________________")
        pdf.cell(0, 7, _("date") + " ____________", new_x="LMARGIN", new_y="NEXT")
