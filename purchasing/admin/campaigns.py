"""Admin of campaigns, applications, commissions, meetings and votes (saved by the services)."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from osms.core.admin_mixins import OsmsTabularInline as TabularInline  # scoped rows and choices
from osms.core.admin_mixins import RegionScopedAdmin, confirmed_post
from osms.core.errors import admin_call, form_call
from osms.exports.admin import BackgroundExportMixin

from .. import services
from ..models import (
    Application,
    Campaign,
    Commission,
    CommissionMember,
    ConflictDeclaration,
    Meeting,
    Vote,
)
from ..services.campaigns import FROZEN_AFTER_DRAFT
from .base import DeletedByServiceMixin, ReadOnlyInline, ServiceCheckedForm, row_action


class CampaignForm(forms.ModelForm):
    tariff = forms.CharField(
        label=_("tariff"), required=False,
        help_text=lazy(lambda: format_html(
            _("Empty for PHC (per-capita norm); {case}, {service} or {bedday}. Leave the price "
              "empty to take it from the tariff."),
            case=mark_safe("<code>case:&lt;КЗГ&gt;:&lt;severity&gt;</code>"),
            service=mark_safe("<code>service:&lt;code&gt;</code>"),
            bedday=mark_safe("<code>bedday:&lt;profile&gt;</code>")), SafeString)(),
    )

    class Meta:
        model = Campaign
        fields = ("year", "region", "care_type", "title", "unit", "planned_volume", "unit_price",
                  "budget", "applications_deadline", "review_deadline", "commission")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("unit_price", "budget"):
            if name in self.fields:
                self.fields[name].required = False

    def clean(self):
        # The price and budget rule is the service's (campaign_price), as for campaign_create.
        data = super().clean()
        plan = {name: data.get(name) for name in ("year", "region", "care_type",
                                                  "planned_volume")}
        if "unit_price" not in self.fields or any(value is None for value in plan.values()):
            return data
        priced = form_call(self, services.campaign_price, **plan, tariff=data.get("tariff"),
                           unit_price=data.get("unit_price"), budget=data.get("budget"))
        if priced is not None:
            data["unit_price"], source, data["budget"] = priced
            if data.get("unit_price") != self.instance.unit_price or not self.instance.pk:
                self.instance.tariff_source = source
        return data


class ApplicationInline(ReadOnlyInline):
    model = Application
    fields = ("provider", "requested_volume", "coexecution_volume", "status", "problems")


@admin.register(Campaign)
class CampaignAdmin(DeletedByServiceMixin, RegionScopedAdmin):
    form = CampaignForm
    delete_service, delete_check = services.campaign_delete, services.campaign_delete_check
    delete_target = "campaign"
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
            fields += FROZEN_AFTER_DRAFT
        return fields

    def save_model(self, request, obj, form, change):
        services.campaign_save(campaign=obj, acting_user=request.user)

    @admin.display(description=_("allocation"))
    def review_link(self, obj):
        run = obj.allocations.order_by("-version").first()
        if run is None:
            return "—"
        url = reverse("admin:purchasing_allocation_review", args=[run.pk])
        return format_html('<a href="{}">{} #{}</a>', url, _("Review"), run.version)

    announce = row_action(
        services.campaign_announce, target="campaign", today="announced_on",
        description=_("Announce"), confirm_label=_("Announce"), done=_("%(row)s: announced"),
        question=_("Announce %(n)d campaigns today? Providers may then apply until the "
                   "deadline."))
    close_applications = row_action(
        services.campaign_close, target="campaign", description=_("Close applications"),
        confirm_label=_("Close applications"), done=_("%(row)s: closed"),
        question=_("Close the applications of %(n)d campaigns? No provider can apply "
                   "afterwards."))
    run_allocation = row_action(
        services.allocation_run, target="campaign", description=_("Run the allocation"),
        confirm_label=_("Run the allocation"), done=_("%(row)s: allocation proposed"),
        question=_("Run the allocation of %(n)d campaigns? Earlier proposals under review "
                   "are superseded."))

    @admin.action(description=_("Create contracts from the approved protocol"),
                  permissions=["change"])
    @confirmed_post(
        question=lambda admin, request, queryset: _(
            "Prepare the contracts of %(n)d campaigns from their approved protocols?") % {
            "n": queryset.count()},
        confirm_label=_("Prepare the contracts"))
    def make_contracts(self, request, queryset):
        for campaign in queryset:
            protocol = campaign.protocols.filter(status="approved").first()
            if protocol is None:
                messages.error(request, _("%(c)s: no approved protocol") % {"c": campaign})
                continue
            admin_call(request, services.contracts_from_protocol,
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
                    form_call(self, services.application_check,
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


class MemberForm(ServiceCheckedForm):
    """A seat on a commission: the user account must be of the commission's region."""

    check = services.member_check

    class Meta:
        model = CommissionMember
        fields = ("commission", "full_name", "organisation_name", "body", "position",
                  "is_deputy_head_or_above", "role", "user", "active")

    def check_arguments(self, data):
        # In the members inline the commission is the page's (possibly unsaved) one.
        return {"commission": data.get("commission") or getattr(self.instance, "commission",
                                                                 None),
                "user": data.get("user")}


class MemberInline(TabularInline):
    model = CommissionMember
    form = MemberForm
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

    def save_model(self, request, obj, form, change):
        services.commission_save(commission=obj, acting_user=request.user)

    def save_formset(self, request, form, formset, change):
        members = formset.save(commit=False)
        for member in formset.deleted_objects:
            services.member_delete(member=member, acting_user=request.user)
        for member in members:
            services.member_save(member=member, acting_user=request.user)

    form_commission = row_action(
        services.commission_form, target="commission", today="formed_on",
        description=_("Check the composition and form"), confirm_label=_("Check and form"),
        done=_("%(row)s: formed"),
        question=_("Check the composition of %(n)d commissions and form those that are "
                   "lawful?"))


@admin.register(CommissionMember)
class CommissionMemberAdmin(RegionScopedAdmin):
    form = MemberForm
    list_display = ("full_name", "commission", "role", "body", "user", "active")
    list_filter = ("commission__region", "role", "body", "active")
    search_fields = ("full_name",)
    autocomplete_fields = ("user",)

    def save_model(self, request, obj, form, change):
        services.member_save(member=obj, acting_user=request.user)

    def delete_model(self, request, obj):
        services.member_delete(member=obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for member in queryset:
            services.member_delete(member=member, acting_user=request.user)


class ConflictForm(ServiceCheckedForm):
    check = services.conflict_check
    check_fields = ("nature",)

    class Meta:
        model = ConflictDeclaration
        fields = ("member", "provider", "nature", "declared_on")


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(RegionScopedAdmin):
    form = ConflictForm
    list_display = ("member", "provider", "declared_on")
    list_filter = ("member__commission__region",)
    autocomplete_fields = ("provider",)

    def save_model(self, request, obj, form, change):
        services.conflict_save(declaration=obj, acting_user=request.user)


class VoteInline(ReadOnlyInline):
    model = Vote
    fields = ("member", "choice", "comment", "cast_at")
    show_change_link = False


class MeetingForm(ServiceCheckedForm):
    check = services.meeting_check
    check_needs = ("campaign",)

    class Meta:
        model = Meeting
        fields = ("commission", "campaign", "held_on", "present", "status")

    def check_arguments(self, data):
        return {"campaign": data["campaign"], "commission": data.get("commission"),
                "present": data.get("present") or []}


@admin.register(Meeting)
class MeetingAdmin(RegionScopedAdmin):
    form = MeetingForm
    list_display = ("commission", "campaign", "held_on", "status")
    list_filter = ("commission__region", "status")
    filter_horizontal = ("present",)
    inlines = [VoteInline]

    def save_model(self, request, obj, form, change):
        present = form.cleaned_data.get("present") or []
        if change:
            services.meeting_save(meeting=obj, present=present,
                                              acting_user=request.user)
            return
        opened = services.meeting_open(campaign=obj.campaign, held_on=obj.held_on,
                                       present=present, acting_user=request.user)
        obj.pk, obj.commission, obj.status = opened.pk, opened.commission, opened.status

    def save_related(self, request, form, formsets, change):
        # The members present were set by the service; the votes inline is read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
