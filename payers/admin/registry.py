"""Registry admin: persons, organisations, activities, employment.

Thin over ``payers.services``: every save and delete of the page and of its inlines goes
through the same services as the API, so both leave the same history (acting user,
reason), the same region checks and the same registry change lock.
"""

from django.contrib import admin
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
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
from ..selectors import organisation_ids_with_bin, registered_person
from .common import PersonIinSearchMixin
from .registry_imports import BackgroundImportMixin
from .transfers import duplicate_iin_error


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


class ExactKeyOpensRecord:
    """Searching an exact ИИН/БИН (12 digits) that finds one record in the user's scope opens
    that record instead of a list of one."""

    def changelist_view(self, request, extra_context=None):
        term = request.GET.get("q", "").strip()
        if len(term) == 12 and term.isdigit() and len(request.GET) == 1:
            found = list(self.get_queryset(request).filter(**{self.exact_key: term})
                         .values_list("pk", flat=True)[:2])
            if len(found) == 1:
                meta = self.model._meta
                return redirect(reverse(f"admin:{meta.app_label}_{meta.model_name}_change",
                                        args=[found[0]]))
        return super().changelist_view(request, extra_context)


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


# Everything recorded about a person, one link each: (label, admin URL name, view permission,
# query). URL names, not imports: the lists belong to apps above payers.
PERSON_LINKS = [
    (_("Payments"), "admin:payers_payment_changelist", "payers.view_payment",
     "person__id__exact={pk}"),
    (_("Arrears"), "admin:payers_arrear_changelist", "payers.view_arrear",
     "person__id__exact={pk}"),
    (_("Insured status history"), "admin:coverage_coveragehistory_changelist",
     "coverage.view_coveragehistory", "person__id__exact={pk}"),
    (_("Benefit category memberships"), "admin:coverage_categorymembership_changelist",
     "coverage.view_categorymembership", "person__id__exact={pk}"),
    (_("Discrepancies with tax data"), "admin:reconciliation_discrepancy_changelist",
     "reconciliation.view_discrepancy", "iin={iin}"),
    (_("Check eligibility for care"), "admin:packages_packageversion_eligibility_tool",
     "packages.view_packageversion", "iin={iin}"),
]


def person_links(request, person):
    if person is None:
        return ""
    links = []
    for label, name, permission, query in PERSON_LINKS:
        if not request.user.has_perm(permission):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        links.append((url + "?" + query.format(pk=person.pk, iin=person.iin), label))
    return format_html_join(" · ", '<a class="underline" href="{}">{}</a>', links)


@admin.register(Person)
class PersonAdmin(ExactKeyOpensRecord, BackgroundImportMixin, ServiceAdminMixin,
                  BackgroundExportMixin, RegionScopedImportExportAdmin):
    resource_classes = [PersonResource]  # the export's columns; imports run in the background
    import_kind = RegistryImportRun.Kind.PERSONS
    exact_key = "iin"
    list_display = ("iin", "last_name", "first_name", "middle_name", "birth_date", "sex",
                    "citizenship", "region", "insured_status")
    # The registry's own columns (the insured status is coverage's export).
    export_columns = list_display[:-1]
    list_filter = ("region", "citizenship", "sex", ("birth_date", RangeDateFilter))
    search_fields = ("iin",)
    search_help_text = _("Exact IIN (12 digits), IIN prefix, or the start of the last name.")
    # The insured status as last recomputed (coverage's table, joined by its relation name).
    list_select_related = ("region", "coverage_status")
    readonly_fields = ("birth_date", "sex", "created_at", "updated_at")

    @admin.display(description=_("insured"))
    def insured_status(self, obj):
        status = getattr(obj, "coverage_status", None)
        if status is None:
            return "—"
        return _("insured") if status.insured else _("not insured")
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None:
            return form
        user = request.user

        class PersonAddForm(form):
            def clean_iin(self):
                iin = self.cleaned_data.get("iin")
                existing = registered_person(iin=iin) if iin else None
                if existing is not None:  # named region, who to ask, «Request a transfer»
                    raise duplicate_iin_error(user, existing)
                return iin

        return PersonAddForm

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The sections other apps add (insured status, package…), for this request: passed
        # in the page's context (never kept on this shared instance), rendered only when the
        # page is (not for a POST that saves and redirects).
        def render():
            person = self.get_object(request, object_id)
            panels = [panel(request, person) for panel in PERSON_PANELS]
            return format_html_join(mark_safe(""), "{}", ((p,) for p in panels if p))

        extra_context = {**(extra_context or {}), "person_panels": PersonPanels(render),
                         "person_links": PersonPanels(lambda: person_links(
                             request, self.get_object(request, object_id)))}
        return super().change_view(request, object_id, form_url, extra_context)

    def service_create(self, request, values):
        return services.person_create(acting_user=request.user, **values)

    def service_update(self, request, obj, changes):
        return services.person_update(person=obj, acting_user=request.user, **changes)

    def service_delete(self, request, obj):
        services.person_delete(person=obj, acting_user=request.user)


@admin.register(Organisation)
class OrganisationAdmin(ExactKeyOpensRecord, BackgroundImportMixin, ServiceAdminMixin,
                        BackgroundExportMixin, RegionScopedImportExportAdmin):
    resource_classes = [OrganisationResource]
    import_kind = RegistryImportRun.Kind.ORGANISATIONS
    exact_key = "bin"
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
