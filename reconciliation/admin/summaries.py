"""Runs, rules and the collections summary (with its Excel export)."""

from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from osms.core.admin_display import duration_column
from osms.core.admin_mixins import (
    OsmsModelAdmin,
    ReadOnlyAdminMixin,
    RegionScopedAdmin,
    confirmed_post,
)
from osms.exports.admin import BackgroundExportMixin

from ..models import CollectionSummary, ReconciliationRule, ReconciliationRun
from ..notices import summary_xlsx
from ..reconcile import ReconciliationError
from ..tasks import reconcile_period_task
from .forms import PeriodForm, period_filter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(ReadOnlyAdminMixin, OsmsModelAdmin):
    list_display = ("id", "period", "trigger", "status", "progress", "declarations", "found",
                    "new", "cleared", "started_at", "duration_display")
    list_filter = ("status", "trigger", "period")
    exclude = ("employers",)  # shown by ``employers_display`` (no JSON "null")
    readonly_fields = [
        ("employers_display" if f.name == "employers" else f.name)
        for f in ReconciliationRun._meta.fields] + ["duration_display", "progress"]
    duration_display = duration_column

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return obj.progress

    @admin.display(description=_("employers (BIN)"))
    def employers_display(self, obj):
        """The employers of a run of listed employers; empty for a whole period."""
        return ", ".join(obj.employers) if obj.employers is not None else None
    actions_list = ["run_period"]

    def has_run_permission(self, request):
        return request.user.has_perm("reconciliation.add_reconciliationrun")

    @action(description=_("Reconcile a period"), url_path="run", icon="sync",
            permissions=["run"])
    @confirmed_post(
        question=_("Reconcile a period? Its discrepancies are found again and their amounts "
                   "refreshed; their status, assignee and notes are kept."),
        confirm_label=_("Reconcile"), form=PeriodForm)
    def run_period(self, request, form):
        period = form.cleaned_data["period"]
        try:
            reconcile_period_task.delay(period.isoformat(), request.user.pk)
        except ReconciliationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Reconciliation of %(p)s started.") % {
                "p": f"{period:%m.%Y}"})
        return redirect("admin:reconciliation_reconciliationrun_changelist")


@admin.register(ReconciliationRule)
class ReconciliationRuleAdmin(OsmsModelAdmin):
    list_display = ("valid_from", "tolerance", "other_period_window", "note")


@admin.register(CollectionSummary)
class CollectionSummaryAdmin(ReadOnlyAdminMixin, BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("period", "region", "payer_type", "expected", "declared", "collected",
                    "gap", "persons")
    list_filter = ("period", "region", "payer_type")
    list_select_related = ("region",)
    readonly_fields = [f.name for f in CollectionSummary._meta.fields]
    actions = ["export_xlsx"]
    actions_list = ["export_all_xlsx"]

    def has_export_permission(self, request):
        return request.user.has_perm("reconciliation.view_collectionsummary")

    @admin.display(description=_("gap"))
    def gap(self, obj):
        return obj.gap

    def _xlsx(self, queryset):
        response = HttpResponse(summary_xlsx(queryset.order_by("period", "region__kato",
                                                               "payer_type")),
                                content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="collections.xlsx"'
        return response

    @admin.action(description=_("Export the selected to Excel"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        return self._xlsx(queryset)

    @action(description=_("Export to Excel"), url_path="export", icon="download",
            permissions=["export"])
    def export_all_xlsx(self, request):
        period, error = period_filter(request)
        if error:
            messages.error(request, error)
            return redirect("admin:reconciliation_collectionsummary_changelist")
        queryset = self.get_queryset(request)
        if period:
            queryset = queryset.filter(period=period)
        return self._xlsx(queryset)
