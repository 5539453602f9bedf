"""Cases and the runs that load and control them: written by jobs, read here."""

from django.contrib import admin

from osms.core.admin_mixins import (
    OsmsModelAdmin,
    OsmsTabularInline,
    ReadOnlyAdminMixin,
    RegionScopedAdmin,
)
from osms.exports.admin import BackgroundExportMixin

from ..models import (
    Case,
    CaseImportRun,
    CaseReject,
    CaseService,
    CaseVerdict,
    ControlRun,
    PatientReport,
    ProviderAccount,
)


class ServiceInline(OsmsTabularInline):
    model = CaseService
    extra = 0
    fields = ("code", "quantity")
    readonly_fields = fields
    can_delete = False
    max_num = 0


class VerdictInline(OsmsTabularInline):
    model = CaseVerdict
    extra = 0
    fields = ("rule_code", "severity", "detail", "run")
    readonly_fields = fields
    can_delete = False
    max_num = 0


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("case_number", "provider", "period", "care_type", "iin", "icd10",
                    "amount_claimed", "amount_expected", "outcome", "funding_source",
                    "risk_score")
    list_filter = ("outcome", "period", "care_type", "is_inpatient")
    search_fields = ("=iin", "=case_number", "provider__bin")
    list_select_related = ("provider", "care_type")
    raw_id_fields = ("person", "contract_item", "provider")
    inlines = [ServiceInline, VerdictInline]


@admin.register(CaseVerdict)
class CaseVerdictAdmin(ReadOnlyAdminMixin, BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("case", "rule_code", "severity", "detail", "run")
    list_filter = ("rule_code", "severity")
    search_fields = ("=case__iin", "=case__case_number")
    list_select_related = ("case",)


@admin.register(PatientReport)
class PatientReportAdmin(ReadOnlyAdminMixin, BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("case", "reported_at", "channel")
    list_select_related = ("case",)


@admin.register(ProviderAccount)
class ProviderAccountAdmin(RegionScopedAdmin):
    list_display = ("user", "provider")
    raw_id_fields = ("user", "provider")


class RejectInline(OsmsTabularInline):
    model = CaseReject
    extra = 0
    fields = ("row_number", "field", "reason", "raw")
    readonly_fields = fields
    can_delete = False
    max_num = 0


@admin.register(CaseImportRun)
class CaseImportRunAdmin(ReadOnlyAdminMixin, OsmsModelAdmin):
    list_display = ("id", "file_name", "status", "phase", "progress", "rows_total",
                    "cases_new", "cases_repeated", "rows_rejected", "created_at")
    list_filter = ("status",)
    inlines = [RejectInline]


@admin.register(ControlRun)
class ControlRunAdmin(ReadOnlyAdminMixin, OsmsModelAdmin):
    list_display = ("id", "period", "status", "cases", "accepted", "rejected", "to_review",
                    "seconds", "started_at")
    list_filter = ("status",)
