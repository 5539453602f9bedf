"""The expert's worklist: reviews of the user's region, with the case's control verdicts
and risk reasons; findings by defect code, conclusion and the dispute's decision are
workflow steps (each a form that calls a service)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from osms.core import formatting
from osms.core.admin_display import money_column
from osms.core.admin_mixins import OsmsTabularInline, RegionScopedAdmin
from osms.core.errors import form_call
from osms.exports.admin import BackgroundExportMixin
from payers.admin.common import form_page, scoped_object

from .. import services
from ..models import ControlRule, Defect, Review, ReviewFinding, RiskIndicator
from .filters import CaseSearchMixin


def _messages(model, codes):
    """{code: message in the operator's language} of the rules or indicators named."""
    rows = model.objects.filter(code__in=set(codes)).order_by("code", "valid_from")
    return {row.code: row.message for row in rows}  # the latest version wins


class FindingInline(OsmsTabularInline):
    model = ReviewFinding
    extra = 0
    fields = ("defect", "note", "amount", "withdrawn")
    readonly_fields = fields
    can_delete = False
    max_num = 0


class FindingForm(forms.Form):
    defect_code = forms.ChoiceField(label=_("defect"))
    note = forms.CharField(label=_("note"), widget=forms.Textarea, required=False,
                           max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["defect_code"].choices = [
            (d.code, str(d)) for d in Defect.objects.order_by("code", "-valid_from")
            .distinct("code")]


class ConclusionForm(forms.Form):
    conclusion = forms.CharField(label=_("conclusion"), widget=forms.Textarea, max_length=5000)


class DecisionForm(forms.Form):
    decision = forms.CharField(label=_("decision on the dispute"), widget=forms.Textarea,
                               max_length=5000)
    withdraw = forms.CharField(label=_("findings withdrawn (ids, comma-separated)"),
                               required=False, max_length=500)

    def clean_withdraw(self):
        raw = self.cleaned_data["withdraw"]
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        if any(not p.isdigit() for p in parts):
            raise forms.ValidationError(_("Give finding ids as numbers."))
        return [int(p) for p in parts]


@admin.register(Review)
class ReviewAdmin(CaseSearchMixin, BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("case", "reason", "status", "expert", "deduction_money", "opened_at")
    deduction_money = money_column("deduction", _("deduction"))
    list_filter = ("status", "reason")
    case_search_path = "case__"
    list_select_related = ("case", "expert")
    fields = ("case", "reason", "status", "expert", "verdicts", "risk", "deduction",
              "conclusion", "dispute_reason", "dispute_decision")
    readonly_fields = fields
    inlines = [FindingInline]
    actions_detail = ["add_finding", "conclude", "decide_dispute"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # every change is a workflow step (the detail actions)

    @admin.display(description=_("control verdicts"))
    def verdicts(self, obj):
        rows = list(obj.case.verdicts.values_list("rule_code", "detail"))
        said = _messages(ControlRule, [code for code, _detail in rows])
        return format_html_join("", '<div title="{}">✘ {} {}</div>', (
            (code, said.get(code, code), detail) for code, detail in rows)) or "—"

    @admin.display(description=_("risk reasons"))
    def risk(self, obj):
        reasons = list(obj.case.risk_reasons or [])
        said = _messages(RiskIndicator, reasons)
        text = "; ".join(said.get(code, code) for code in reasons)
        score = formatting.number(obj.case.risk_score)
        return f"{score}: {text}" if text else score

    def has_review_step_permission(self, request, object_id=None):
        return request.user.has_perm("monitoring.change_review")

    def _step(self, request, object_id, form_class, title, service, **fixed):
        review = scoped_object(self, request, object_id)
        if not self.has_review_step_permission(request):
            raise PermissionDenied
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if form_call(form, service, review=review, acting_user=request.user,
                         **form.cleaned_data, **fixed):
                self.message_user(request, _("Saved."), messages.SUCCESS)
                return redirect(reverse("admin:monitoring_review_change", args=[review.pk]))
        return form_page(self, request, form, title=f"{title}: {review}")

    @action(description=_("Add a finding"), url_path="finding", icon="rule",
            permissions=["review_step"])
    def add_finding(self, request, object_id):
        return self._step(request, object_id, FindingForm, _("Finding"), services.finding_add)

    @action(description=_("Conclude"), url_path="conclude", icon="task_alt",
            permissions=["review_step"])
    def conclude(self, request, object_id):
        return self._step(request, object_id, ConclusionForm, _("Conclusion"),
                          services.review_conclude)

    @action(description=_("Decide the dispute"), url_path="decide", icon="gavel",
            permissions=["review_step"])
    def decide_dispute(self, request, object_id):
        return self._step(request, object_id, DecisionForm, _("Decision on the dispute"),
                          services.dispute_decide)


@admin.register(ReviewFinding)
class ReviewFindingAdmin(BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("review", "defect", "amount_money", "withdrawn")
    amount_money = money_column("amount", _("deduction"))
    list_filter = ("defect", "withdrawn")
    list_select_related = ("review__case", "defect")
    readonly_fields = ("review", "defect", "note", "amount", "withdrawn")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
