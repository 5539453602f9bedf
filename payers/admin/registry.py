"""Registry admin: thin classes over services; region-scoped by the core mixin."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.contrib.filters.admin import RangeDateFilter

from osms.core.admin_mixins import RegionScopedAdmin, RegionScopedImportExportAdmin
from osms.core.models import Region
from osms.exports.admin import BackgroundExportMixin

from .models import Activity, Employment, Organisation, Person
from .resources import OrganisationResource, PersonResource

# Other apps add sections to the person page: callables (request, person) → safe HTML.
# coverage/admin.py registers the insured status here (payers never imports coverage).
PERSON_PANELS = []


def search_registry(queryset, term, key_field, name_field):
    """Exact ИИН/БИН when the term is 12 digits, else a name prefix (both indexed)."""
    term = term.strip()
    if not term:
        return queryset
    if term.isdigit():
        if len(term) >= 12:
            return queryset.filter(**{key_field: term})
        # A digit prefix as a key range, so the unique btree index serves it.
        condition = {f"{key_field}__gte": term}
        if term.strip("9"):
            condition[f"{key_field}__lt"] = str(int(term) + 1).zfill(len(term))
        return queryset.filter(**condition)
    variants = {term, term.capitalize(), term.upper()}
    from django.db.models import Q

    condition = Q()
    for variant in variants:
        condition |= Q(**{f"{name_field}__startswith": variant})
    return queryset.filter(condition)


class ActivityInline(TabularInline):
    model = Activity
    extra = 0
    fields = ("kind", "tax_regime", "started_on", "ended_on")


class EmploymentInline(TabularInline):
    model = Employment
    fk_name = "employee"
    extra = 0
    fields = ("employer", "started_on", "ended_on")
    autocomplete_fields = ("employer",)


@admin.register(Person)
class PersonAdmin(BackgroundExportMixin, RegionScopedImportExportAdmin):
    resource_classes = [PersonResource]
    list_display = ("iin", "last_name", "first_name", "middle_name", "birth_date", "sex",
                    "citizenship", "region")
    list_filter = ("region", "citizenship", "sex", ("birth_date", RangeDateFilter))
    search_fields = ("iin",)
    search_help_text = _("Exact IIN (12 digits), IIN prefix, or the start of the last name.")
    list_select_related = ("region",)
    readonly_fields = ("birth_date", "sex", "insurance_panels", "created_at", "updated_at")
    autocomplete_fields = ()
    inlines = [ActivityInline, EmploymentInline]
    fieldsets = (
        (None, {"fields": ("iin", ("last_name", "first_name", "middle_name"))}),
        (_("Derived from the IIN"), {"fields": (("birth_date", "sex"),)}),
        (_("Status"), {"fields": ("citizenship", "region", "death_date")}),
        (_("Insurance"), {"fields": ("insurance_panels",)}),
        (_("Record"), {"fields": (("created_at", "updated_at"),), "classes": ["collapse"]}),
    )

    def get_search_results(self, request, queryset, search_term):
        return search_registry(queryset, search_term, "iin", "last_name"), False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("iin")
        return fields

    @admin.display(description=_("Insurance"))
    def insurance_panels(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        request = getattr(self, "_current_request", None)
        parts = [panel(request, obj) for panel in PERSON_PANELS]
        return format_html_join(mark_safe(""), "{}", ((p,) for p in parts)) if parts else "—"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        self._current_request = request
        return super().changeform_view(request, object_id, form_url, extra_context)


@admin.register(Organisation)
class OrganisationAdmin(BackgroundExportMixin, RegionScopedImportExportAdmin):
    resource_classes = [OrganisationResource]
    list_display = ("bin", "name", "kind", "region")
    list_filter = ("region", "kind")
    search_fields = ("bin", "name")
    search_help_text = _("Exact BIN (12 digits), BIN prefix, or the start of the name.")
    list_select_related = ("region",)

    def get_search_results(self, request, queryset, search_term):
        return search_registry(queryset, search_term, "bin", "name"), False


@admin.register(Activity)
class ActivityAdmin(BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("person", "kind", "tax_regime", "started_on", "ended_on")
    list_filter = ("kind", "tax_regime", "person__region")
    autocomplete_fields = ("person",)
    list_select_related = ("person",)
    search_fields = ("person__iin",)


@admin.register(Employment)
class EmploymentAdmin(BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("employee", "employer", "started_on", "ended_on")
    list_filter = ("employee__region",)
    autocomplete_fields = ("employee", "employer")
    list_select_related = ("employee", "employer")
    search_fields = ("employee__iin", "employer__bin")


__all__ = ["PERSON_PANELS", "Region"]

# The contributions admins (they add the payments section to PERSON_PANELS above).
from . import admin_ledger, admin_money  # noqa: E402, F401
