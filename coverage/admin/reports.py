"""The "uninsured by region and payer type" report, on screen and as Excel."""

import io

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from osms.core.models import Region
from osms.core.replica import replica_reads
from osms.core.workbooks import new_workbook

from ..selectors import PAYER_TYPES, uninsured_by_region_and_payer_type

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def payer_type_labels():
    return {"employee": _("employees"), "self_employed": _("entrepreneurs and private practice"),
            "non_payer": _("no employment or activity")}


def report_rows(*, user, on):
    table = uninsured_by_region_and_payer_type(user=user, on=on)
    names = {r.kato: r.name for r in Region.objects.filter(kato__in=table)}
    rows = []
    for kato, counts in sorted(table.items()):
        rows.append([kato, names.get(kato, kato), *(counts[t] for t in PAYER_TYPES),
                     sum(counts.values())])
    return rows


def uninsured_report_xlsx(rows):
    buffer = io.BytesIO()
    book = new_workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("Uninsured")[:31])
    bold = book.add_format({"bold": True})
    labels = payer_type_labels()
    header = [_("KATO"), _("region"), *(labels[t] for t in PAYER_TYPES), _("total")]
    sheet.write_row(0, 0, header, bold)
    for number, row in enumerate(rows, start=1):
        sheet.write_row(number, 0, row)
    sheet.set_column(1, 1, 34)
    sheet.set_column(2, len(header), 18)
    book.close()
    return buffer.getvalue()


def uninsured_report_view(model_admin, request):
    on = timezone.localdate()
    with replica_reads():  # an aggregate over every status: the read replica when there is one
        rows = report_rows(user=request.user, on=on)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(uninsured_report_xlsx(rows), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="uninsured-{on:%Y%m%d}.xlsx"'
        return response
    labels = payer_type_labels()
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Uninsured persons by region and payer type"),
        "header": [_("KATO"), _("region"), *(labels[t] for t in PAYER_TYPES), _("total")],
        "rows": rows,
    }
    return TemplateResponse(request, "coverage/uninsured_report.html", context)
