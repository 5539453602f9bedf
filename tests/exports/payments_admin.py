"""A payments list admin as the payments issue builds it, on a site of its own.

The exports tests need a list with money, periods and dates filtered by region
and month; this one is registered on a separate AdminSite so it never clashes
with the project's own Payment admin.
"""

from django.contrib import admin
from django.contrib.admin import AdminSite
from django.db.models import Count
from django.utils.html import format_html

from osms.core.admin_mixins import RegionScopedAdmin
from osms.exports.admin import BackgroundExportMixin, ExportJobAdmin
from osms.exports.models import ExportJob
from payers.models import Organisation, Payment

site = AdminSite(name="exports_test")


class PaymentListAdmin(BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("iin", "person", "period", "kind", "amount", "paid_on", "posted_at")
    list_filter = ("person__region", "period", "kind")
    list_select_related = ("person",)
    search_fields = ("iin",)


site.register(Payment, PaymentListAdmin)
site.register(ExportJob, ExportJobAdmin)


class EmployerListAdmin(BackgroundExportMixin, RegionScopedAdmin):
    """Computed columns: an annotation of get_queryset, a method, a callable."""

    list_display = ("bin", "name", "region")
    export_columns = ("bin", "name", ("staff", "Employees"), "name_upper",
                      ("payroll_note", "Note"), "is_big")
    search_fields = ("employments__employee__iin",)  # a to-many search: DISTINCT rows

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(staff=Count("employments"))

    @admin.display(description="Name in capitals")
    def name_upper(self, obj):
        return format_html("<b>{}</b>", obj.name.upper())

    @admin.display(description="Large employer", boolean=True)
    def is_big(self, obj):
        return obj.staff >= 2

    def payroll_note(self, obj):
        return f"{obj.staff} on payroll"


site.register(Organisation, EmployerListAdmin)
