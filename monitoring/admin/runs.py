"""Cases and the runs that load and control them: written by jobs, read here."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from osms.core.admin_mixins import (
    OsmsModelAdmin,
    OsmsTabularInline,
    ReadOnlyAdminMixin,
    RegionScopedAdmin,
    confirmed_post,
)
from osms.core.periods import first_of_month
from osms.core.uploads import ImportUploadForm, queued_message
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
from .filters import CaseSearchMixin, Icd10ChapterFilter, Icd10CodeFilter


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
class CaseAdmin(CaseSearchMixin, ReadOnlyAdminMixin, BackgroundExportMixin, RegionScopedAdmin):
    # the control's decision is a row of its own (CaseDecision; none: not controlled yet)
    list_display = ("case_number", "provider", "period", "care_type", "iin", "icd10",
                    "amount_claimed", "amount_expected", "outcome", "funding_source",
                    "risk_score")
    list_filter = ("decision__outcome", "period", "care_type", "is_inpatient",
                   Icd10ChapterFilter, Icd10CodeFilter)
    list_select_related = ("provider", "care_type", "decision")
    raw_id_fields = ("person", "contract_item", "provider")
    inlines = [ServiceInline, VerdictInline]

    # the decision's columns read the case's CaseDecision row (joined above)
    @admin.display(description=_("amount by the tariff"),
                   ordering="decision__amount_expected")
    def amount_expected(self, obj):
        return obj.amount_expected

    @admin.display(description=_("outcome"), ordering="decision__outcome")
    def outcome(self, obj):
        return obj.get_outcome_display()

    @admin.display(description=_("funding source"), ordering="decision__funding_source")
    def funding_source(self, obj):
        return obj.funding_source

    @admin.display(description=_("risk score"), ordering="decision__risk_score")
    def risk_score(self, obj):
        return obj.risk_score


@admin.register(CaseVerdict)
class CaseVerdictAdmin(CaseSearchMixin, ReadOnlyAdminMixin, BackgroundExportMixin,
                       RegionScopedAdmin):
    list_display = ("case", "rule_code", "severity", "detail", "run")
    list_filter = ("rule_code", "severity")
    case_search_path = "case__"
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


class CaseFileForm(ImportUploadForm):
    runs = CaseImportRun
    file = forms.FileField(label=_("case file (CSV or xlsx)"))


@admin.register(CaseImportRun)
class CaseImportRunAdmin(ReadOnlyAdminMixin, OsmsModelAdmin):
    list_display = ("id", "file_name", "status", "phase", "progress", "rows_total",
                    "cases_new", "cases_repeated", "rows_rejected", "created_at")
    list_filter = ("status",)
    inlines = [RejectInline]
    actions_list = ["upload"]

    def has_upload_permission(self, request):
        return request.user.has_perm("monitoring.start_caseimportrun")

    @action(description=_("Load a case file"), url_path="upload", icon="upload_file",
            permissions=["upload"])
    def upload(self, request):
        """The file is kept on the run and loaded by a background task; the run's page shows
        its phase and progress, then its counts and rejected rows."""
        from payers.admin.common import form_page

        from ..importer.service import case_import_run_create
        from ..tasks import case_import_task

        if not self.has_upload_permission(request):
            raise PermissionDenied
        form = CaseFileForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            with transaction.atomic():
                run = form.remember_checksum(case_import_run_create(
                    file_name=upload.name[:255], source="admin", acting_user=request.user,
                    file=upload))
                transaction.on_commit(lambda: case_import_task.delay(run.pk))
            level, text = queued_message(run)
            self.message_user(request, f"{run.file_name}: {text}", level)
            return redirect("admin:monitoring_caseimportrun_changelist")
        return form_page(self, request, form, title=_("Load a case file"))


class MonthForm(forms.Form):
    month = forms.DateField(label=_("month"), help_text=_("Any day of the month."))


@admin.register(ControlRun)
class ControlRunAdmin(ReadOnlyAdminMixin, OsmsModelAdmin):
    list_display = ("id", "period", "status", "cases", "accepted", "rejected", "to_review",
                    "seconds", "started_at")
    list_filter = ("status",)
    actions_list = ["start_control"]

    # A job over every case of a month: head office, with its own permission (roles.py).
    def has_start_permission(self, request):
        return (request.user.has_perm("monitoring.start_controlrun")
                and request.user.is_head_office)

    @action(description=_("Control a month"), url_path="start", icon="fact_check",
            permissions=["start"])
    @confirmed_post(question=_("Control every case of the month? Cases not under review "
                               "are decided anew."), confirm_label=_("Control"),
                    form=MonthForm)
    def start_control(self, request, form):
        from ..tasks import month_control_task

        if not self.has_start_permission(request):
            raise PermissionDenied
        month = first_of_month(form.cleaned_data["month"])
        month_control_task.delay(month.isoformat(), request.user.pk)
        self.message_user(request, _("The control of %(m)s was queued.") % {
            "m": month.strftime("%m.%Y")}, messages.SUCCESS)
        return redirect("admin:monitoring_controlrun_changelist")
