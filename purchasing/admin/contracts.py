"""Contracts, amendments, monthly acts, quality deductions; the execution monitoring page."""

import datetime

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from osms.core.admin_mixins import RegionScopedAdmin
from osms.exports.admin import BackgroundExportMixin

from .. import selectors, services
from ..models import (
    Contract,
    ContractAmendment,
    ContractItem,
    ExecutionAct,
    QualityDeduction,
)
from .base import LogEntryHistoryMixin, ReadOnlyInline, report


class ItemInline(ReadOnlyInline):
    model = ContractItem
    fields = ("care_type", "volume", "unit_price", "amount", "protocol")


class AmendmentInline(ReadOnlyInline):
    model = ContractAmendment
    fields = ("number", "signed_on", "item", "old_volume", "new_volume", "old_amount",
              "new_amount", "reason")
    show_change_link = False


@admin.register(Contract)
class ContractAdmin(BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("number", "provider", "region", "year", "status", "signed_on")
    list_filter = ("year", "region", "status")
    search_fields = ("number", "provider__name", "provider__bin")
    list_select_related = ("provider", "region")
    readonly_fields = ("number", "provider", "region", "year", "status", "signed_on",
                       "monitoring_link")
    inlines = [ItemInline, AmendmentInline]
    actions = ["sign"]

    def has_add_permission(self, request):
        return False  # contracts come from an approved protocol (campaign action)

    @admin.display(description=_("monitoring"))
    def monitoring_link(self, obj):
        url = reverse("admin:purchasing_contract_monitoring") + f"?year={obj.year}"
        return format_html('<a href="{}">{}</a>', url, _("Execution against plan"))

    @admin.action(description=_("Sign"), permissions=["change"])
    def sign(self, request, queryset):
        for contract in queryset:
            report(request, services.contract_sign, _("%(c)s: signed") % {"c": contract.number},
                   contract=contract, signed_on=timezone.localdate(), acting_user=request.user)

    def get_urls(self):
        return [path("monitoring/", self.admin_site.admin_view(self.monitoring_view),
                     name="purchasing_contract_monitoring"), *super().get_urls()]

    def monitoring_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            year = int(request.GET.get("year") or timezone.localdate().year)
        except ValueError:
            year = timezone.localdate().year
        by_provider = selectors.execution_report(user=request.user, year=year)
        by_region = selectors.execution_report(user=request.user, year=year,
                                               group_by=("contract__region__name_ru",))
        for row in by_provider + by_region:
            row["bar"] = min(row["executed_share"], 100.0)
            months = max(1, min(12, timezone.localdate().month)) if year == timezone.localdate(
            ).year else 12
            row["target"] = months / 12 * 100
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": _("Execution against plan, %(y)s") % {"y": year}, "year": year,
            "by_provider": by_provider, "by_region": by_region,
            "payments_due": selectors.payments_due(user=request.user)[:200],
        }
        return TemplateResponse(request, "admin/purchasing/monitoring.html", context)


@admin.register(ContractItem)
class ContractItemAdmin(BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("contract", "care_type", "volume", "unit_price", "amount", "protocol")
    list_filter = ("contract__year", "contract__region", "care_type")
    list_select_related = ("contract__provider", "care_type", "protocol")
    search_fields = ("contract__number", "contract__provider__name")
    readonly_fields = ("contract", "care_type", "protocol", "volume", "unit_price", "amount")

    def has_add_permission(self, request):
        return False  # items come from a protocol; volumes change by amendment


class AmendmentForm(forms.ModelForm):
    class Meta:
        model = ContractAmendment
        fields = ("item", "new_volume", "reason", "signed_on")

    def clean(self):
        data = super().clean()
        item, volume = data.get("item"), data.get("new_volume")
        if item is not None and volume is not None:
            accepted = sum(a.amount_accepted for a in item.acts.all())
            if item.unit_price * volume < accepted:
                raise ValidationError({"new_volume": _("Below the sum already accepted (%(a)s).")
                                       % {"a": accepted}})
        return data


@admin.register(ContractAmendment)
class ContractAmendmentAdmin(LogEntryHistoryMixin, BackgroundExportMixin, RegionScopedAdmin):
    form = AmendmentForm
    list_display = ("contract", "number", "signed_on", "old_volume", "new_volume", "new_amount")
    list_filter = ("contract__region",)

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        amendment = services.contract_amend(
            item=obj.item, new_volume=obj.new_volume, reason=obj.reason,
            signed_on=obj.signed_on, acting_user=request.user)
        obj.pk = amendment.pk


class ActForm(forms.ModelForm):
    class Meta:
        model = ExecutionAct
        fields = ("item", "period", "volume_delivered")

    def clean_period(self):
        period = self.cleaned_data["period"]
        if period.day != 1:
            raise ValidationError(_("A period is the first day of a month."))
        return period

    def clean(self):
        data = super().clean()
        item, period = data.get("item"), data.get("period")
        if item is not None and period is not None:
            if item.contract.status != Contract.Status.SIGNED:
                raise ValidationError({"item": _("The contract is not signed.")})
            if period.year != item.contract.year:
                raise ValidationError({"period": _("Not a month of the contract year.")})
            if item.acts.filter(period__gt=period).exists():
                raise ValidationError({"period": _("Acts of later months exist.")})
            if item.acts.filter(period=period).exclude(status="draft").exclude(
                    pk=self.instance.pk).exists():
                raise ValidationError({"period": _("This month's act is already approved.")})
        return data


class DeductionInline(ReadOnlyInline):
    model = QualityDeduction
    fields = ("indicator", "amount", "reason", "created_by")
    show_change_link = False


@admin.register(ExecutionAct)
class ExecutionActAdmin(BackgroundExportMixin, RegionScopedAdmin):
    form = ActForm
    list_display = ("item", "period", "volume_delivered", "amount_claimed", "amount_accepted",
                    "over_execution_withheld", "quality_deductions", "amount_due", "status")
    list_filter = ("status", "item__contract__region", "period")
    list_select_related = ("item__contract__provider", "item__care_type")
    readonly_fields = ("amount_claimed", "plan_to_date", "amount_accepted",
                       "over_execution_withheld", "quality_deductions", "amount_due", "status",
                       "paid_on")
    inlines = [DeductionInline]
    actions = ["approve", "mark_paid"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != ExecutionAct.Status.DRAFT:
            fields += ["item", "period", "volume_delivered"]
        return fields

    def save_model(self, request, obj, form, change):
        act = services.act_record(item=obj.item, period=obj.period,
                                  volume_delivered=obj.volume_delivered, acting_user=request.user)
        obj.pk = act.pk

    @admin.action(description=_("Approve: payment due"), permissions=["change"])
    def approve(self, request, queryset):
        for act in queryset:
            report(request, services.act_approve, _("%(a)s: approved") % {"a": act},
                   act=act, acting_user=request.user)

    @admin.action(description=_("Mark as paid today"), permissions=["change"])
    def mark_paid(self, request, queryset):
        for act in queryset:
            report(request, services.act_mark_paid, _("%(a)s: paid") % {"a": act},
                   act=act, paid_on=datetime.date.today(), acting_user=request.user)


class DeductionForm(forms.ModelForm):
    class Meta:
        model = QualityDeduction
        fields = ("act", "indicator", "amount", "reason")

    def clean(self):
        data = super().clean()
        act, amount = data.get("act"), data.get("amount")
        if act is not None and amount is not None:
            if act.status != ExecutionAct.Status.DRAFT:
                raise ValidationError({"act": _("The act is already approved.")})
            if amount <= 0 or act.quality_deductions + amount > act.amount_accepted:
                raise ValidationError({"amount": _(
                    "A positive sum, at most the accepted sum less earlier deductions.")})
        return data


@admin.register(QualityDeduction)
class QualityDeductionAdmin(LogEntryHistoryMixin, BackgroundExportMixin, RegionScopedAdmin):
    form = DeductionForm
    list_display = ("act", "indicator", "amount", "created_by")
    list_filter = ("act__item__contract__region",)

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        deduction = services.deduction_add(act=obj.act, indicator=obj.indicator,
                                           amount=obj.amount, reason=obj.reason,
                                           acting_user=request.user)
        obj.pk = deduction.pk

