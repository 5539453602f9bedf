"""Runs, rules and the collections summary (with its Excel export)."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from osms.core.admin_mixins import OsmsModelAdmin, RegionScopedAdmin
from osms.exports.admin import BackgroundExportMixin

from ..models import CollectionSummary, ReconciliationRule, ReconciliationRun
from ..notices import summary_xlsx
from ..reconcile import ReconciliationError
from ..tasks import reconcile_period_task
from .base import PlainHistoryMixin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PeriodForm(forms.Form):
    period = forms.CharField(label=_("Period (YYYY-MM)"), max_length=7)

    def clean_period(self):
        try:
            return datetime.datetime.strptime(self.cleaned_data["period"], "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Write the period as YYYY-MM, e.g. 2026-01.")) from None


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(PlainHistoryMixin, OsmsModelAdmin):
    list_display = ("id", "period", "trigger", "status", "declarations", "found", "new",
                    "cleared", "started_at", "duration")
    list_filter = ("status", "trigger", "period")
    readonly_fields = [f.name for f in ReconciliationRun._meta.fields] + ["duration"]
    actions_list = ["run_period"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_run_permission(self, request):
        return request.user.has_perm("reconciliation.add_reconciliationrun")

    @action(description=_("Reconcile a period"), url_path="run", icon="sync",
            permissions=["run"])
    def run_period(self, request):
        if not self.has_run_permission(request):
            raise PermissionDenied
        form = PeriodForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            period = form.cleaned_data["period"]
            try:
                reconcile_period_task.delay(period.isoformat(), request.user.pk)
            except ReconciliationError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Reconciliation of %(p)s started.") % {
                    "p": f"{period:%m.%Y}"})
            return redirect("admin:reconciliation_reconciliationrun_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reconcile a period"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "reconciliation/period_form.html", context)


@admin.register(ReconciliationRule)
class ReconciliationRuleAdmin(OsmsModelAdmin):
    list_display = ("valid_from", "tolerance", "other_period_window", "note")


@admin.register(CollectionSummary)
class CollectionSummaryAdmin(PlainHistoryMixin, BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("period", "region", "payer_type", "expected", "declared", "collected",
                    "gap", "persons")
    list_filter = ("period", "region", "payer_type")
    list_select_related = ("region",)
    readonly_fields = [f.name for f in CollectionSummary._meta.fields]
    actions = ["export_xlsx"]
    actions_list = ["export_all_xlsx"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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
        queryset = self.get_queryset(request)
        period = request.GET.get("period")
        if period:
            queryset = queryset.filter(period=period)
        return self._xlsx(queryset)
