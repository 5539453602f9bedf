"""Admin of the money rules (effective-dated, with history), the calculator page,
refund applications and the arrears list. Thin over services."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action
from unfold.widgets import (
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextInputWidget,
)

from osms.core.admin_mixins import (
    OsmsModelAdmin,
    ReadOnlyAdminMixin,
    RegionScopedAdmin,
    confirmed_post,
)
from osms.core.errors import form_call
from osms.core.models import Region
from osms.exports.admin import BackgroundExportMixin

from .. import refunds
from ..api_contributions import parse_period
from ..calculator import CalculationError, calculate
from ..models import (
    Arrear,
    ContributionRate,
    KnpCode,
    LineKind,
    PayerType,
    PenaltyRule,
    ReferenceValue,
    RefundApplication,
)
from ..tools import may_use_calculator
from .common import form_page, scoped_object


class ConfirmedMixin:
    """Flags rows whose value still needs confirming against the primary source."""

    @admin.display(description=_("confirmed"), boolean=True, ordering="confirmed")
    def confirmed_flag(self, obj):
        return obj.confirmed


@admin.register(ReferenceValue)
class ReferenceValueAdmin(ConfirmedMixin, OsmsModelAdmin):
    list_display = ("kind", "region", "valid_from", "value", "confirmed_flag")
    list_filter = ("kind", "confirmed", "region")
    ordering = ("kind", "region", "-valid_from")


@admin.register(ContributionRate)
class ContributionRateAdmin(ConfirmedMixin, OsmsModelAdmin):
    list_display = ("payer_type", "kind", "valid_from", "rate", "base", "base_multiple",
                    "base_lag_years", "min_base_mzp", "max_base_mzp", "confirmed_flag")
    list_filter = ("payer_type", "kind", "confirmed")
    ordering = ("payer_type", "kind", "-valid_from")
    actions_list = ["calculator"]

    @action(description=_("Calculator"), url_path="calculator-page", icon="calculate",
            permissions=["calculator"])
    def calculator(self, request):
        return redirect("admin:payers_calculator")

    def has_calculator_permission(self, request, object_id=None):
        return may_use_calculator(request)

    def get_urls(self):
        return [path("calculator/", self.admin_site.admin_view(self.calculator_view),
                     name="payers_calculator")] + super().get_urls()

    def calculator_view(self, request):
        # The sidebar shows «Tools» by the same rule (payers/tools.py).
        if not may_use_calculator(request):
            raise PermissionDenied
        form = CalculatorForm(request.GET or None)
        result = None
        if request.GET and form.is_valid():
            data = form.cleaned_data
            try:
                result = calculate(payer_type=data["payer_type"], period=data["period"],
                                   income=data["income"], region=data["region"])
            except CalculationError as exc:
                field = exc.field if exc.field in form.fields else None
                form.add_error(field, str(exc))
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.opts,
                   "title": _("Contributions calculator"),
                   "result": result and _present(result)}
        return TemplateResponse(request, "payers/calculator.html", context)


def _present(result):
    labels = dict(LineKind.choices)
    return {
        "period": result.period, "total": result.total,
        "lines": [{"label": labels.get(line.kind, line.kind), "base": line.base,
                   "rate": line.rate, "amount": line.amount}
                  for line in result.lines],
    }


class PeriodField(forms.CharField):
    """A month as printed (ММ.ГГГГ, 09.2026) or as ISO (2026-09): the public API's rule."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", UnfoldAdminTextInputWidget(
            attrs={"placeholder": _("MM.YYYY"), "inputmode": "numeric"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value).strip()
        try:
            return parse_period(value)
        except CalculationError as exc:
            raise ValidationError(str(exc)) from exc


class CalculatorForm(forms.Form):
    payer_type = forms.ChoiceField(label=_("payer type"), choices=PayerType.choices,
                                   widget=UnfoldAdminSelectWidget)
    period = PeriodField(label=_("period (MM.YYYY or YYYY-MM)"),
                         initial=lambda: f"{timezone.localdate():%m.%Y}")
    income = forms.DecimalField(label=_("monthly income"), required=False, min_value=0,
                                max_digits=14, decimal_places=2,
                                widget=UnfoldAdminDecimalFieldWidget)
    region = forms.ModelChoiceField(label=_("region (local budgets)"), required=False,
                                    queryset=Region.objects.all(),
                                    widget=UnfoldAdminSelectWidget)


@admin.register(KnpCode)
class KnpCodeAdmin(ConfirmedMixin, OsmsModelAdmin):
    list_display = ("knp", "kind", "name", "valid_from", "max_months_ahead", "confirmed_flag")
    list_filter = ("kind", "confirmed")


@admin.register(PenaltyRule)
class PenaltyRuleAdmin(ConfirmedMixin, OsmsModelAdmin):
    list_display = ("valid_from", "multiplier", "day_count", "due_day", "confirmed_flag")


class RefundForm(forms.ModelForm):
    class Meta:
        model = RefundApplication
        fields = ["payment", "applicant_code", "amount", "reason", "submitted_on"]


class ConsentForm(forms.Form):
    consent_on = forms.DateField(label=_("consent received on"))
    consent_document = forms.CharField(label=_("consent document"), max_length=100)


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("decision"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("Approve")), ("no", _("Refuse"))])
    refusal_reason = forms.CharField(label=_("reasons for refusal"), required=False,
                                     widget=forms.Textarea)


class ExecuteForm(forms.Form):
    paid_on = forms.DateField(label=_("refunded on"), initial=datetime.date.today)


@admin.register(RefundApplication)
class RefundApplicationAdmin(BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("id", "payment", "applicant_code", "amount", "status", "submitted_on",
                    "decided_on")
    list_filter = ("status", "payment__person__region")
    search_fields = ("applicant_code",)
    form = RefundForm
    raw_id_fields = ("payment",)
    actions_detail = ["record_consent", "decide", "execute"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return [f.name for f in RefundApplication._meta.fields]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Applications change only through the workflow steps below. A ValidationError
        # shows on the re-displayed form (OsmsModelAdmin).
        if change:
            return
        data = form.cleaned_data
        saved = refunds.refund_apply(
            payment=data["payment"], applicant_code=data["applicant_code"],
            amount=data["amount"], reason=data["reason"],
            submitted_on=data["submitted_on"], acting_user=request.user)
        obj.pk = saved.pk

    def _step(self, request, object_id, form_class, title, service):
        """One workflow step: its form, then ``service(application=…, **form data)``."""
        application = scoped_object(self, request, object_id)
        if not self.has_change_permission(request, application):
            raise PermissionDenied
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if form_call(form, service, application=application, acting_user=request.user,
                         **form.cleaned_data):
                self.message_user(request, _("Saved."), messages.SUCCESS)
                return redirect(reverse("admin:payers_refundapplication_change",
                                        args=[application.pk]))
        return form_page(self, request, form, title=f"{title}: {application}")

    def has_refund_step_permission(self, request, object_id=None):
        return request.user.has_perm("payers.change_refundapplication")

    @action(description=_("Record consent"), url_path="consent", icon="how_to_reg",
            permissions=["refund_step"])
    def record_consent(self, request, object_id):
        return self._step(request, object_id, ConsentForm, _("Consent of the person paid for"),
                          refunds.refund_consent)

    @action(description=_("Decide"), url_path="decide", icon="gavel",
            permissions=["refund_step"])
    def decide(self, request, object_id):
        return self._step(request, object_id, DecisionForm, _("Decision"),
                          refunds.refund_decide)

    @action(description=_("Refund"), url_path="execute", icon="payments",
            permissions=["refund_step"])
    def execute(self, request, object_id):
        return self._step(request, object_id, ExecuteForm, _("Refund"), refunds.refund_execute)


class DebtFilter(admin.SimpleListFilter):
    title = _("debt")
    parameter_name = "debt"

    def lookups(self, request, model_admin):
        return [("yes", _("outstanding")), ("no", _("paid, late"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(debt__gt=0)
        if self.value() == "no":
            return queryset.filter(debt=0)
        return queryset


@admin.register(Arrear)
class ArrearAdmin(ReadOnlyAdminMixin, BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("person", "payer_code", "period", "kind", "expected", "paid", "debt",
                    "due_on", "days_overdue", "penalty", "as_of")
    list_filter = (DebtFilter, "kind", "period", "person__region")
    search_fields = ("payer_code",)
    list_select_related = ("person",)
    export_columns = [("payer_code", _("payer BIN/IIN")), ("person__iin", _("IIN")),
                      ("person__last_name", _("last name")), ("person__first_name",
                      _("first name")), ("person__region__name_ru", _("region")), "period",
                      "kind", "expected", "paid", "paid_late", "debt", "due_on",
                      "days_overdue", "penalty", "as_of"]
    actions_list = ["recompute"]

    # A rebuild of the whole table: head office, with its own permission (payers.roles).
    def has_recompute_permission(self, request):
        return request.user.has_perm("payers.recompute_arrear") and request.user.is_head_office

    @action(description=_("Recompute as of today"), url_path="recompute", icon="sync",
            permissions=["recompute"])
    @confirmed_post(question=_("Recompute every arrear and penalty as of today?"),
                    details=[_("The arrears table is rebuilt in the background; the list "
                               "shows the previous state until the job ends.")],
                    confirm_label=_("Recompute"))
    def recompute(self, request):
        from ..tasks import arrears_recompute_task

        arrears_recompute_task.delay()
        self.message_user(request, _("The arrears are being recomputed."), messages.SUCCESS)
        return redirect("admin:payers_arrear_changelist")

