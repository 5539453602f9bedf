"""Contracts, amendments, monthly acts, quality deductions; the execution monitoring page."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from osms.core.admin_mixins import RegionScopedAdmin
from osms.core.bounds import year_problem
from osms.exports.admin import BackgroundExportMixin

from .. import selectors, services
from ..models import (
    Contract,
    ContractAmendment,
    ContractItem,
    ExecutionAct,
    QualityDeduction,
)
from .base import (
    AddedByServiceAdmin,
    DeletedByServiceMixin,
    ReadOnlyInline,
    ServiceCheckedForm,
    row_action,
)


class ItemInline(ReadOnlyInline):
    model = ContractItem
    fields = ("care_type", "volume", "unit_price", "amount", "protocol")


class AmendmentInline(ReadOnlyInline):
    model = ContractAmendment
    fields = ("number", "signed_on", "item", "old_volume", "new_volume", "old_amount",
              "new_amount", "reason")
    show_change_link = False


@admin.register(Contract)
class ContractAdmin(DeletedByServiceMixin, BackgroundExportMixin, RegionScopedAdmin):
    delete_service, delete_check = services.contract_delete, services.contract_delete_check
    delete_target = "contract"
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

    sign = row_action(
        services.contract_sign, target="contract", today="signed_on", description=_("Sign"),
        confirm_label=_("Sign"), done=_("%(row)s: signed"),
        question=_("Sign %(n)d contracts today? Their volumes and sums become binding."))

    def get_urls(self):
        return [path("monitoring/", self.admin_site.admin_view(self.monitoring_view),
                     name="purchasing_contract_monitoring"), *super().get_urls()]

    def _year(self, request):
        """The ``?year=`` asked for; a bad one is said and the current year shown."""
        this_year = timezone.localdate().year
        asked = request.GET.get("year")
        if not asked:
            return this_year
        try:
            year = int(asked)
        except ValueError:
            problem = _("The year %(y)s is not a number.") % {"y": asked[:20]}
        else:
            problem = year_problem(year, label=_("The year"))
        if problem:
            messages.error(request, problem)
            return this_year
        return year

    def monitoring_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        year = self._year(request)
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

    def has_delete_permission(self, request, obj=None):
        # Only with their contract, while it is a draft (services.contract_delete's rule).
        if obj is not None and obj.contract.status != Contract.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)


class AmendmentForm(ServiceCheckedForm):
    check = services.amendment_check
    check_fields = ("item", "new_volume", "reason")
    check_needs = ("item",)

    class Meta:
        model = ContractAmendment
        fields = ("item", "new_volume", "reason", "signed_on")


@admin.register(ContractAmendment)
class ContractAmendmentAdmin(AddedByServiceAdmin):
    form = AmendmentForm
    list_display = ("contract", "number", "signed_on", "old_volume", "new_volume", "new_amount")
    list_filter = ("contract__region",)

    def save_model(self, request, obj, form, change):
        amendment = services.contract_amend(
            item=obj.item, new_volume=obj.new_volume, reason=obj.reason,
            signed_on=obj.signed_on, acting_user=request.user)
        obj.pk = amendment.pk


class ActForm(ServiceCheckedForm):
    check = services.act_check
    check_fields = check_needs = ("item", "period")

    class Meta:
        model = ExecutionAct
        fields = ("item", "period", "volume_delivered")


class DeductionInline(ReadOnlyInline):
    model = QualityDeduction
    fields = ("indicator", "amount", "reason", "created_by")
    show_change_link = False


@admin.register(ExecutionAct)
class ExecutionActAdmin(DeletedByServiceMixin, BackgroundExportMixin, RegionScopedAdmin):
    form = ActForm
    delete_service, delete_check = services.act_delete, services.act_delete_check
    delete_target = "act"
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

    approve = row_action(
        services.act_approve, target="act", description=_("Approve: payment due"),
        confirm_label=_("Approve"), done=_("%(row)s: approved"),
        question=_("Approve %(n)d acts? Their accepted sums become due for payment."))
    mark_paid = row_action(
        services.act_mark_paid, target="act", today="paid_on",
        description=_("Mark as paid today"), confirm_label=_("Mark as paid"),
        done=_("%(row)s: paid"), question=_("Mark %(n)d approved acts as paid today?"))


class DeductionForm(ServiceCheckedForm):
    check = services.deduction_check
    check_fields = ("act", "amount")
    check_needs = ("act",)

    class Meta:
        model = QualityDeduction
        fields = ("act", "indicator", "amount", "reason")


@admin.register(QualityDeduction)
class QualityDeductionAdmin(AddedByServiceAdmin):
    form = DeductionForm
    list_display = ("act", "indicator", "amount", "created_by")
    list_filter = ("act__item__contract__region",)

    def save_model(self, request, obj, form, change):
        deduction = services.deduction_add(act=obj.act, indicator=obj.indicator,
                                           amount=obj.amount, reason=obj.reason,
                                           acting_user=request.user)
        obj.pk = deduction.pk

