"""Package versions in the admin, with the operator's tools on the version list:
the eligibility check, the comparison of two versions (page and Excel), copying
a version into a draft and publishing it.
"""

from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from osms.core.admin_display import name_column
from osms.core.admin_mixins import OsmsModelAdmin, OsmsTabularInline, confirmed_post
from osms.core.errors import admin_call, form_call
from payers.models import Citizenship

from .. import services
from ..compare import compare_versions, comparison_xlsx
from ..eligibility import (
    EligibilityError,
    check_eligibility,
    may_check_eligibility,
)
from ..models import CareType, PackageRule, PackageVersion
from .forms import CompareForm, CopyVersionForm, EligibilityForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PackageRuleInline(OsmsTabularInline):
    model = PackageRule
    extra = 0
    fields = ("order", "care_type", "disease_list", "funding_source", "entitlement",
              "legal_basis")
    ordering = ("order",)

    # A published version answers eligibility checks: its rules are frozen. Withdraw it
    # or copy it into a draft to change them.
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj and obj.is_published)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_published)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.is_published)


@admin.register(PackageVersion)
class PackageVersionAdmin(OsmsModelAdmin):
    list_display = ("local_name", "valid_from", "valid_to", "is_published", "rule_count")
    local_name = name_column(_("package version"))
    list_filter = ("is_published",)
    search_fields = ("code", "name_ru")
    readonly_fields = ("is_published",)
    fields = ("code", "name_ru", "name_kk", "name_en", ("valid_from", "valid_to"),
              "legal_basis", "is_published")
    inlines = [PackageRuleInline]
    actions_list = ["eligibility_tool", "compare_tool"]
    actions_detail = ["copy_version", "publish_version", "unpublish_version"]

    @admin.display(description=_("rules"))
    def rule_count(self, obj):
        return obj.rules.count()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_published:
            fields += ["code", "valid_from", "valid_to"]
        return fields

    # Detail actions are checked with the object id (unfold's calling convention).
    def has_copy_permission(self, request, object_id=None):
        return self.has_add_permission(request)

    def has_publish_permission(self, request, object_id=None):
        # Publishing changes every eligibility answer from its date: its own permission.
        return request.user.has_perm("packages.publish_packageversion")

    def _context(self, request, title, **extra):
        return {**self.admin_site.each_context(request), "title": title,
                "opts": self.model._meta, **extra}

    def has_eligibility_permission(self, request, object_id=None):
        return may_check_eligibility(request.user)

    @action(description=_("Check eligibility"), url_path="eligibility", icon="fact_check",
            permissions=["eligibility"])
    def eligibility_tool(self, request):
        initial = {key: request.GET[key] for key in ("iin", "date") if key in request.GET}
        form = EligibilityForm(request.POST or None, initial=initial, user=request.user)
        result = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                result = check_eligibility(iin=data["iin"], on=data["date"],
                                           care_type=data["care_type"], icd10=data["icd10"],
                                           insured=form.insured_value())
            except EligibilityError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        labels = {}
        if result is not None:
            labels = {"residency": Citizenship(result.residency).label if result.residency
                      else _("not in the registry"),
                      "care_type": CareType.objects.get(code=result.care_type).name}
        return TemplateResponse(request, "packages/eligibility.html", self._context(
            request, _("Check eligibility"), form=form, result=result, labels=labels))

    @action(description=_("Compare versions"), url_path="compare", icon="compare_arrows",
            permissions=["view"])
    def compare_tool(self, request):
        form = CompareForm(request.GET or None)
        comparison = None
        if form.is_valid():
            comparison = compare_versions(before=form.cleaned_data["before"],
                                          after=form.cleaned_data["after"])
            if request.GET.get("format") == "xlsx":
                response = HttpResponse(comparison_xlsx(comparison), content_type=XLSX)
                name = f"package_{comparison.before.code}_vs_{comparison.after.code}.xlsx"
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
        return TemplateResponse(request, "packages/compare.html", self._context(
            request, _("Compare package versions"), form=form, comparison=comparison,
            all_rows=form.is_valid() and form.cleaned_data["all_rows"],
            querystring=request.GET.urlencode()))

    @action(description=_("Copy as a new version"), url_path="copy", icon="content_copy",
            permissions=["copy"])
    def copy_version(self, request, object_id):
        source = scoped_version(request, object_id)
        form = CopyVersionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            copy = form_call(form, services.package_version_copy, source=source,
                             acting_user=request.user, **form.cleaned_data)
            if copy is not None:
                messages.success(request, _("Draft version %(code)s created: edit its rules, "
                                            "then publish it.") % {"code": copy.code})
                return redirect(reverse("admin:packages_packageversion_change", args=[copy.pk]))
        return TemplateResponse(request, "packages/form.html", self._context(
            request, _("Copy version %(code)s") % {"code": source.code}, form=form,
            submit=_("Create the draft")))

    @action(description=_("Publish"), url_path="publish", icon="publish",
            permissions=["publish"])
    @confirmed_post(
        question=lambda model_admin, request, object_id: _("Publish version %(code)s?") % {
            "code": scoped_version(request, object_id).code},
        details=[_("From its start date it answers eligibility checks; the open-ended "
                   "version before it is closed the day before.")],
        confirm_label=_("Publish"))
    def publish_version(self, request, object_id):
        version = scoped_version(request, object_id)
        admin_call(request, services.package_version_publish,
                   _("Version %(code)s is published.") % {"code": version.code},
                   version=version, acting_user=request.user)
        return redirect(reverse("admin:packages_packageversion_change", args=[version.pk]))

    @action(description=_("Withdraw"), url_path="unpublish", icon="unpublished",
            permissions=["publish"])
    @confirmed_post(
        question=lambda model_admin, request, object_id: _("Withdraw version %(code)s?") % {
            "code": scoped_version(request, object_id).code},
        details=[_("Its dates will answer no eligibility check until a version is "
                   "published for them.")],
        confirm_label=_("Withdraw"))
    def unpublish_version(self, request, object_id):
        version = scoped_version(request, object_id)
        if admin_call(request, services.package_version_unpublish, version=version,
                      acting_user=request.user):
            messages.warning(request, _("Version %(code)s no longer answers eligibility "
                                        "checks.") % {"code": version.code})
        return redirect(reverse("admin:packages_packageversion_change", args=[version.pk]))


def scoped_version(request, object_id):
    """The version of a detail action; 404 for a missing or malformed id."""
    try:
        return PackageVersion.objects.get(pk=int(object_id))
    except (ValueError, PackageVersion.DoesNotExist):
        raise Http404(_("No such package version.")) from None
