"""Admin of the provider registry and the effective-dated purchasing rules."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from osms.core.admin_display import name_column, rate_column
from osms.core.admin_mixins import (
    LogEntryHistoryMixin,
    OsmsModelAdmin,
    RegionScopedAdmin,
)
from osms.core.admin_mixins import OsmsTabularInline as TabularInline  # scoped rows and choices
from osms.core.formatting import number
from osms.exports.admin import BackgroundExportMixin

from .. import services
from ..models import (
    CoExecutionCap,
    CompositionRule,
    InclusionCheck,
    Provider,
    ProviderBeds,
    ProviderCapacity,
    ProviderLicence,
    ProviderRating,
    RatingComponent,
    RatingScore,
)
from .base import ReadOnlyInline, row_action


@admin.register(CoExecutionCap)
class CoExecutionCapAdmin(OsmsModelAdmin):
    list_display = ("care_type", "locality", "share", "valid_from", "valid_to", "source")
    share = rate_column("max_share", _("maximum co-executed share"))
    list_filter = ("care_type", "locality")


@admin.register(CompositionRule)
class CompositionRuleAdmin(OsmsModelAdmin):
    list_display = ("commission_kind", "fund_share", "quorum", "min_voting_members",
                    "deputy_chair", "valid_from", "valid_to")
    fund_share = rate_column("max_fund_share", _("maximum share of Fund staff"))
    quorum = rate_column("quorum_share", _("quorum (share of voting members present)"))

    @admin.display(description=_("body the deputy chair must come from"))
    def deputy_chair(self, obj):
        return obj.get_deputy_chair_body_display()
    list_filter = ("commission_kind",)


@admin.register(RatingComponent)
class RatingComponentAdmin(OsmsModelAdmin):
    list_display = ("local_name", "weight_share", "valid_from", "valid_to")
    weight_share = rate_column("weight", _("weight"))
    local_name = name_column(_("rating component"))


class LicenceInline(TabularInline):
    model = ProviderLicence
    extra = 0
    fields = ("care_type", "number", "issued_on", "valid_until")


class CapacityInline(TabularInline):
    model = ProviderCapacity
    extra = 0
    fields = ("care_type", "year", "annual_volume")


class BedsInline(TabularInline):
    model = ProviderBeds
    extra = 0
    fields = ("profile", "beds", "approved_on")


class InclusionCheckInline(ReadOnlyInline):
    model = InclusionCheck
    fields = ("checked_on", "included", "reason", "checked_by")
    show_change_link = False


@admin.register(Provider)
class ProviderAdmin(BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("name", "bin", "ownership", "region", "locality", "inclusion",
                    "current_score")
    list_filter = ("region", "ownership", "inclusion", "locality")
    search_fields = ("bin", "name")
    list_select_related = ("region",)
    autocomplete_fields = ("organisation",)
    readonly_fields = ("inclusion", "inclusion_checked_on", "refusal_reason", "rating_panel")
    inlines = [LicenceInline, CapacityInline, BedsInline, InclusionCheckInline]
    actions = ["check_inclusion"]
    fieldsets = (
        (None, {"fields": ("organisation", "bin", "name", "ownership", ("region", "kato"),
                           "locality")}),
        (_("Capacity and standards"), {"fields": (("staff_count", "attached_population"),
                                                  "has_required_equipment", "accredited_until")}),
        (_("Database of health subjects"), {"fields": ("inclusion", "inclusion_checked_on",
                                                       "refusal_reason")}),
        (_("Rating"), {"fields": ("rating_panel",)}),
    )

    @admin.display(description=_("score"))
    def current_score(self, obj):
        rating = obj.ratings.order_by("-year").first()
        return number(rating.score) if rating else "—"

    @admin.display(description=_("Rating components"))
    def rating_panel(self, obj):
        rating = obj.ratings.order_by("-year").first() if obj and obj.pk else None
        if rating is None:
            return "—"
        rows = format_html_join(
            "", "<tr><td class='pr-4'>{}</td><td class='pr-4'>{}</td><td class='pr-4'>×{}</td>"
            "<td>{}</td></tr>",
            ((s.component.name, number(s.value), number(s.weight), number(s.points))
             for s in rating.components.select_related("component")),
        )
        return format_html("<div>{} {}: <b>{}</b></div><table>{}</table>",
                           _("Score"), rating.year, number(rating.score), rows)

    def save_model(self, request, obj, form, change):
        services.provider_save(provider=obj, acting_user=request.user)

    check_inclusion = row_action(
        services.provider_check_inclusion, target="provider", today="on",
        description=_("Check the inclusion criteria"), confirm_label=_("Check"),
        done=_("%(row)s: checked"),
        question=_("Check the inclusion criteria of %(n)d providers today? Each is included "
                   "in or refused from the database of health subjects."))


class RatingScoreInline(ReadOnlyInline):
    model = RatingScore
    fields = ("component", "value_shown", "weight_shown", "points_shown")
    readonly_fields = fields
    show_change_link = False

    @admin.display(description=_("value"))
    def value_shown(self, obj):
        return number(obj.value)

    @admin.display(description=_("weight"))
    def weight_shown(self, obj):
        return number(obj.weight)

    @admin.display(description=_("points"))
    def points_shown(self, obj):
        return number(obj.points)


@admin.register(ProviderRating)
class ProviderRatingAdmin(BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("provider", "year", "score_shown", "computed_on")
    list_filter = ("year", "provider__region")
    search_fields = ("provider__name", "provider__bin")
    readonly_fields = ("provider", "year", "score_shown", "computed_on")
    exclude = ("score",)

    @admin.display(description=_("score"), ordering="score")
    def score_shown(self, obj):
        return number(obj.score)
    inlines = [RatingScoreInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # computed by services.provider_rate from the component values


@admin.register(InclusionCheck)
class InclusionCheckAdmin(LogEntryHistoryMixin, RegionScopedAdmin):
    list_display = ("provider", "checked_on", "included", "reason")
    list_filter = ("included", "provider__region")
    readonly_fields = ("provider", "checked_on", "included", "criteria_table", "reason",
                       "checked_by")
    exclude = ("criteria",)

    # Written by services.provider_check_inclusion; deleted only with their provider.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("criteria"))
    def criteria_table(self, obj):
        from ..services.providers import CRITERIA_LABELS as labels

        return format_html_join("", '<div title="{}">{} {}: {}</div>', (
            (c["code"], "✔" if c["passed"] else "✘", labels.get(c["code"], c["code"]),
             c["detail"]) for c in obj.criteria))

