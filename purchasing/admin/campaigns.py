"""Admin of campaigns, applications, commissions, meetings and votes."""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from osms.core.admin_mixins import OsmsTabularInline as TabularInline  # scoped rows and choices
from osms.core.admin_mixins import RegionScopedAdmin
from osms.exports.admin import BackgroundExportMixin

from .. import services, tariffs
from ..models import (
    Application,
    Campaign,
    Commission,
    CommissionMember,
    ConflictDeclaration,
    Meeting,
    Vote,
)
from .base import ReadOnlyInline, report, validation_messages

CENT = Decimal("0.01")


class CampaignForm(forms.ModelForm):
    tariff = forms.CharField(
        label=_("tariff"), required=False,
        help_text=_("Empty for PHC (per-capita norm); case:<КЗГ>:<severity>, service:<code> or "
                    "bedday:<profile>. Leave the price empty to take it from the tariff."),
    )

    class Meta:
        model = Campaign
        fields = ("year", "region", "care_type", "title", "unit", "planned_volume", "unit_price",
                  "budget", "applications_deadline", "review_deadline", "commission")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("unit_price", "budget", "tariff_source"):
            if name in self.fields:
                self.fields[name].required = False

    def clean(self):
        data = super().clean()
        care_type, region, year = data.get("care_type"), data.get("region"), data.get("year")
        if data.get("unit_price") is not None and not data.get("tariff_source"):
            data["tariff_source"] = _("entered by the operator")
            self.instance.tariff_source = data["tariff_source"]
        if data.get("unit_price") is None and care_type and region and year:
            try:
                price, source = tariffs.unit_price(
                    care_type=care_type, region=region,
                    on=services.campaigns.year_start(year), tariff=data.get("tariff") or "")
            except ValidationError as exc:
                raise ValidationError(validation_messages(exc)) from exc
            data["unit_price"], data["tariff_source"] = price, source
            self.instance.unit_price, self.instance.tariff_source = price, source
        if data.get("budget") is None and data.get("unit_price") and data.get("planned_volume"):
            data["budget"] = (data["unit_price"] * data["planned_volume"]).quantize(CENT)
            self.instance.budget = data["budget"]
        return data


class ApplicationInline(ReadOnlyInline):
    model = Application
    fields = ("provider", "requested_volume", "coexecution_volume", "status", "problems")


@admin.register(Campaign)
class CampaignAdmin(RegionScopedAdmin):
    form = CampaignForm
    list_display = ("__str__", "year", "region", "care_type", "status", "planned_volume",
                    "budget", "applications_deadline", "review_link")
    list_filter = ("year", "region", "care_type", "status")
    list_select_related = ("region", "care_type")
    readonly_fields = ("status", "tariff_source", "announced_on")
    inlines = [ApplicationInline]
    actions = ["announce", "close_applications", "run_allocation", "make_contracts"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != Campaign.Status.DRAFT:
            fields += ["year", "region", "care_type", "unit", "planned_volume", "unit_price",
                       "budget", "commission"]
        return fields

    @admin.display(description=_("allocation"))
    def review_link(self, obj):
        run = obj.allocations.order_by("-version").first()
        if run is None:
            return "—"
        url = reverse("admin:purchasing_allocation_review", args=[run.pk])
        return format_html('<a href="{}">{} #{}</a>', url, _("Review"), run.version)

    @admin.action(description=_("Announce"), permissions=["change"])
    def announce(self, request, queryset):
        for campaign in queryset:
            report(request, services.campaign_announce, _("%(c)s: announced") % {"c": campaign},
                   campaign=campaign, announced_on=timezone.localdate(), acting_user=request.user)

    @admin.action(description=_("Close applications"), permissions=["change"])
    def close_applications(self, request, queryset):
        for campaign in queryset:
            report(request, services.campaign_close, _("%(c)s: closed") % {"c": campaign},
                   campaign=campaign, acting_user=request.user)

    @admin.action(description=_("Run the allocation"), permissions=["change"])
    def run_allocation(self, request, queryset):
        for campaign in queryset:
            report(request, services.allocation_run, _("%(c)s: allocation proposed")
                   % {"c": campaign}, campaign=campaign, acting_user=request.user)

    @admin.action(description=_("Create contracts from the approved protocol"),
                  permissions=["change"])
    def make_contracts(self, request, queryset):
        for campaign in queryset:
            protocol = campaign.protocols.filter(status="approved").first()
            if protocol is None:
                messages.error(request, _("%(c)s: no approved protocol") % {"c": campaign})
                continue
            report(request, services.contracts_from_protocol,
                   _("%(c)s: contracts prepared") % {"c": campaign},
                   protocol=protocol, acting_user=request.user)


@admin.register(Application)
class ApplicationAdmin(BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("provider", "campaign", "requested_volume", "coexecution_volume", "status",
                    "submitted_at")
    list_filter = ("status", "campaign__region", "campaign__care_type", "campaign__year")
    search_fields = ("provider__name", "provider__bin")
    list_select_related = ("provider", "campaign__region", "campaign__care_type")
    fields = ("campaign", "provider", "requested_volume", "coexecution_volume", "coexecutors",
              "status", "problems_list", "submitted_at")
    readonly_fields = ("status", "problems_list", "submitted_at")

    @admin.display(description=_("validation problems"))
    def problems_list(self, obj):
        return format_html_join("", "<div>✘ {}</div>", ((p,) for p in obj.problems)) or "✔"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + (["campaign", "provider"] if obj is not None else [])

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)

        class ApplicationForm(base):
            def clean(self):
                data = super().clean()
                campaign = data.get("campaign") or (obj.campaign if obj else None)
                provider = data.get("provider") or (obj.provider if obj else None)
                if campaign and provider:
                    services.campaigns.application_check(
                        campaign=campaign, provider=provider,
                        requested_volume=data.get("requested_volume"),
                        submitted_on=timezone.localdate())
                return data

        return ApplicationForm

    def save_model(self, request, obj, form, change):
        saved = services.application_submit(
            campaign=obj.campaign, provider=obj.provider, requested_volume=obj.requested_volume,
            coexecution_volume=obj.coexecution_volume or 0, coexecutors=obj.coexecutors,
            acting_user=request.user)
        obj.pk, obj.status, obj.problems = saved.pk, saved.status, saved.problems
        obj.submitted_at = saved.submitted_at


class MemberInline(TabularInline):
    model = CommissionMember
    extra = 0
    fields = ("full_name", "organisation_name", "body", "position", "is_deputy_head_or_above",
              "role", "user", "active")
    autocomplete_fields = ("user",)


@admin.register(Commission)
class CommissionAdmin(RegionScopedAdmin):
    list_display = ("name", "kind", "region", "status", "formed_on")
    list_filter = ("kind", "region", "status")
    readonly_fields = ("status", "formed_on", "composition")
    exclude = ("composition_report",)
    inlines = [MemberInline]
    actions = ["form_commission"]

    @admin.display(description=_("composition check"))
    def composition(self, obj):
        if not obj.composition_report:
            return _("No problems found at the last check.") if obj.formed_on else "—"
        return format_html_join("", "<div>✘ {}</div>", ((p,) for p in obj.composition_report))

    @admin.action(description=_("Check the composition and form"), permissions=["change"])
    def form_commission(self, request, queryset):
        for commission in queryset:
            report(request, services.commission_form, _("%(c)s: formed") % {"c": commission},
                   commission=commission, formed_on=timezone.localdate(),
                   acting_user=request.user)


@admin.register(CommissionMember)
class CommissionMemberAdmin(RegionScopedAdmin):
    list_display = ("full_name", "commission", "role", "body", "user", "active")
    list_filter = ("commission__region", "role", "body", "active")
    search_fields = ("full_name",)
    autocomplete_fields = ("user",)


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(RegionScopedAdmin):
    list_display = ("member", "provider", "declared_on")
    list_filter = ("member__commission__region",)
    autocomplete_fields = ("provider",)


class VoteInline(ReadOnlyInline):
    model = Vote
    fields = ("member", "choice", "comment", "cast_at")
    show_change_link = False


@admin.register(Meeting)
class MeetingAdmin(RegionScopedAdmin):
    list_display = ("commission", "campaign", "held_on", "status")
    list_filter = ("commission__region", "status")
    filter_horizontal = ("present",)
    inlines = [VoteInline]
