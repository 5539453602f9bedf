"""Registry admin: persons, organisations, activities, employment.

Thin over ``payers.services``: every save and delete of the page and of its inlines goes
through the same services as the API, so both leave the same history (acting user,
reason), the same region checks and the same registry change lock.
"""

from django.contrib import admin
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RangeDateFilter

from osms.core.admin_mixins import (
    OsmsTabularInline,
    RegionScopedAdmin,
    RegionScopedImportExportAdmin,
)
from osms.core.admin_services import ServiceAdminMixin
from osms.exports.admin import BackgroundExportMixin

from .. import services
from ..extensions import PERSON_PANELS
from ..models import Activity, Employment, Organisation, Person, RegistryImportRun
from ..resources import OrganisationResource, PersonResource
from ..selectors import organisation_ids_with_bin
from .common import PersonIinSearchMixin
from .registry_imports import BackgroundImportMixin


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
    condition = Q()
    for variant in {term, term.capitalize(), term.upper()}:
        condition |= Q(**{f"{name_field}__startswith": variant})
    return queryset.filter(condition)


class PersonPanels:
    """The person page's sections, rendered on first use in the template."""

    def __init__(self, render):
        self._render = render

    @cached_property
    def html(self):
        return self._render()


class ActivityServices:
    def service_create(self, request, values):
        return services.activity_create(acting_user=request.user, **values)

    def service_update(self, request, obj, changes):
        return services.activity_update(activity=obj, acting_user=request.user, **changes)

    def service_delete(self, request, obj):
        services.activity_delete(activity=obj, acting_user=request.user)


class EmploymentServices:
    def service_create(self, request, values):
        return services.employment_create(acting_user=request.user, **values)

    def service_update(self, request, obj, changes):
        return services.employment_update(employment=obj, acting_user=request.user, **changes)

    def service_delete(self, request, obj):
        services.employment_delete(employment=obj, acting_user=request.user)


class ActivityInline(ActivityServices, OsmsTabularInline):
    model = Activity
    extra = 0
    fields = ("kind", "tax_regime", "started_on", "ended_on")


class EmploymentInline(EmploymentServices, OsmsTabularInline):
    model = Employment
    fk_name = "employee"
    extra = 0
    fields = ("employer", "started_on", "ended_on")
    autocomplete_fields = ("employer",)


@admin.register(Person)
class PersonAdmin(BackgroundImportMixin, ServiceAdminMixin, BackgroundExportMixin,
                  RegionScopedImportExportAdmin):
    resource_classes = [PersonResource]  # the export's columns; imports run in the background
    import_kind = RegistryImportRun.Kind.PERSONS
    list_display = ("iin", "last_name", "first_name", "middle_name", "birth_date", "sex",
                    "citizenship", "region")
    list_filter = ("region", "citizenship", "sex", ("birth_date", RangeDateFilter))
    search_fields = ("iin",)
    search_help_text = _("Exact IIN (12 digits), IIN prefix, or the start of the last name.")
    list_select_related = ("region",)
    readonly_fields = ("birth_date", "sex", "created_at", "updated_at")
    autocomplete_fields = ()
    inlines = [ActivityInline, EmploymentInline]
    change_form_template = "payers/person_change_form.html"
    fieldsets = (
        (None, {"fields": ("iin", ("last_name", "first_name", "middle_name"))}),
        (_("Derived from the IIN"), {"fields": (("birth_date", "sex"),)}),
        (_("Status"), {"fields": ("citizenship", "region", "death_date")}),
        (_("Record"), {"fields": (("created_at", "updated_at"),), "classes": ["collapse"]}),
    )

    def get_search_results(self, request, queryset, search_term):
        return search_registry(queryset, search_term, "iin", "last_name"), False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("iin")
        return fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The sections other apps add (insured status, package…), for this request: passed
        # in the page's context (never kept on this shared instance), rendered only when the
        # page is (not for a POST that saves and redirects).
        def render():
            person = self.get_object(request, object_id)
            panels = [panel(request, person) for panel in PERSON_PANELS]
            return format_html_join(mark_safe(""), "{}", ((p,) for p in panels if p))

        extra_context = {**(extra_context or {}), "person_panels": PersonPanels(render)}
        return super().change_view(request, object_id, form_url, extra_context)

    def service_create(self, request, values):
        return services.person_create(acting_user=request.user, **values)

    def service_update(self, request, obj, changes):
        return services.person_update(person=obj, acting_user=request.user, **changes)

    def service_delete(self, request, obj):
        services.person_delete(person=obj, acting_user=request.user)


@admin.register(Organisation)
class OrganisationAdmin(BackgroundImportMixin, ServiceAdminMixin, BackgroundExportMixin,
                        RegionScopedImportExportAdmin):
    resource_classes = [OrganisationResource]
    import_kind = RegistryImportRun.Kind.ORGANISATIONS
    list_display = ("bin", "name", "kind", "region")
    list_filter = ("region", "kind")
    search_fields = ("bin", "name")
    search_help_text = _("Exact BIN (12 digits), BIN prefix, or the start of the name.")
    list_select_related = ("region",)

    def get_search_results(self, request, queryset, search_term):
        return search_registry(queryset, search_term, "bin", "name"), False

    def service_create(self, request, values):
        return services.organisation_create(acting_user=request.user, **values)

    def service_update(self, request, obj, changes):
        return services.organisation_update(organisation=obj, acting_user=request.user,
                                            **changes)

    def service_delete(self, request, obj):
        services.organisation_delete(organisation=obj, acting_user=request.user)


@admin.register(Activity)
class ActivityAdmin(PersonIinSearchMixin, ActivityServices, ServiceAdminMixin,
                    BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("person", "kind", "tax_regime", "started_on", "ended_on")
    list_filter = ("kind", "tax_regime", "person__region")
    autocomplete_fields = ("person",)
    list_select_related = ("person",)
    search_fields = ("person__iin",)
    ordering = ("-id",)  # the primary key's order: no sort of the whole table per page


@admin.register(Employment)
class EmploymentAdmin(PersonIinSearchMixin, EmploymentServices, ServiceAdminMixin,
                      BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("employee", "employer", "started_on", "ended_on")
    list_filter = ("employee__region",)
    autocomplete_fields = ("employee", "employer")
    list_select_related = ("employee", "employer")
    search_fields = ("employee__iin", "employer__bin")
    ordering = ("-id",)  # the primary key's order: no sort of the whole table per page
    search_help_text = _("Exact IIN of the employee or BIN of the employer (12 digits).")
    iin_search_person_field = "employee"

    def iin_search_also(self, term):
        return Q(employer__in=organisation_ids_with_bin(term))
