"""A payments list admin as the payments issue builds it, on a site of its own.

The exports tests need a list with money, periods and dates filtered by region
and month; this one is registered on a separate AdminSite so it never clashes
with the project's own Payment admin.
"""

from django.contrib.admin import AdminSite

from osms.core.admin_mixins import RegionScopedAdmin
from osms.exports.admin import BackgroundExportMixin, ExportJobAdmin
from osms.exports.models import ExportJob
from payers.models import Payment

site = AdminSite(name="exports_test")


class PaymentListAdmin(BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("iin", "person", "period", "kind", "amount", "paid_on", "posted_at")
    list_filter = ("person__region", "period", "kind")
    list_select_related = ("person",)
    search_fields = ("iin",)


site.register(Payment, PaymentListAdmin)
site.register(ExportJob, ExportJobAdmin)
