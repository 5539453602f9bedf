"""The expert's worklist: reviews of the user's region, findings by defect code."""

from django.contrib import admin

from osms.core.admin_mixins import OsmsTabularInline, RegionScopedAdmin
from osms.exports.admin import BackgroundExportMixin

from ..models import Review, ReviewFinding


class FindingInline(OsmsTabularInline):
    model = ReviewFinding
    extra = 0
    fields = ("defect", "note", "amount", "withdrawn")
    readonly_fields = fields
    can_delete = False
    max_num = 0


@admin.register(Review)
class ReviewAdmin(BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("case", "reason", "status", "expert", "deduction", "opened_at")
    list_filter = ("status", "reason")
    search_fields = ("=case__iin", "=case__case_number")
    list_select_related = ("case", "expert")
    readonly_fields = ("case", "reason", "status", "expert", "deduction", "dispute_reason",
                       "dispute_decision", "conclusion")
    inlines = [FindingInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReviewFinding)
class ReviewFindingAdmin(BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("review", "defect", "amount", "withdrawn")
    list_filter = ("defect", "withdrawn")
    list_select_related = ("review__case", "defect")
    readonly_fields = ("review", "defect", "note", "amount", "withdrawn")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
