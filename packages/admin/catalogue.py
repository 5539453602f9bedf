"""Care catalogue and ICD-10 in the admin (national data)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import JsonResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from osms.core.admin_display import name_column
from osms.core.admin_mixins import OsmsModelAdmin, OsmsTabularInline

from ..eligibility import may_check_eligibility
from ..models import CareType, DiseaseList, DiseaseListItem, Icd10Code
from ..selectors import icd10_suggestions


@admin.register(CareType)
class CareTypeAdmin(OsmsModelAdmin):
    list_display = ("local_name", "form", "sort_order", "is_active")
    local_name = name_column(_("type of care"))
    list_filter = ("form", "is_active")
    search_fields = ("code", "name_ru", "name_en")
    ordering = ("sort_order", "code")

    def get_readonly_fields(self, request, obj=None):
        # The code is referenced by other apps and API clients: fixed once saved.
        return ("code",) if obj is not None else ()


@admin.register(Icd10Code)
class Icd10CodeAdmin(OsmsModelAdmin):
    list_display = ("code", "kind", "local_name")

    @admin.display(description=_("name"), ordering="position")
    def local_name(self, obj):
        return icd_name(obj)
    list_filter = ("kind",)
    search_fields = ("code",)
    search_help_text = _("The start of an ICD-10 code (I10, B18) or a word of its name.")
    readonly_fields = ("code", "kind", "parent_name", "english_name", "sort_key", "position")
    fields = ("code", "kind", "parent_name", "english_name", "name_ru", "name_kk")

    @admin.display(description=_("parent"))
    def parent_name(self, obj):
        return format_html("{} {}", obj.parent.code, icd_name(obj.parent)) if obj.parent else "—"

    @admin.display(description=_("name (English)"))
    def english_name(self, obj):
        return format_html('<span lang="en">{}</span>', obj.name_en)

    def get_search_results(self, request, queryset, search_term):
        """A code's start (I10, B18) by the index; otherwise words of the name in any
        language (гипертензия, hypertension)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if term[0].isascii() and term[0].isalpha() and any(c.isdigit() for c in term[:3]):
            return queryset.filter(code__startswith=term.upper()), False
        return queryset.filter(Q(name_ru__icontains=term) | Q(name_kk__icontains=term)
                               | Q(name_en__icontains=term)), False

    def has_add_permission(self, request):
        return False  # loaded by ``manage.py load_icd10``

    def get_urls(self):
        return [path("suggest/", self.admin_site.admin_view(self.suggest_view),
                     name="packages_icd10code_suggest")] + super().get_urls()

    def suggest_view(self, request):
        """Suggestions for the ICD-10 input (packages/widgets.py): ``?q=`` a code's start or a
        word of its Russian or Kazakh name → ``{"results": [{"code", "name"}]}``, 20 at
        most. For whoever may read the classification or use the eligibility check."""
        if not (self.has_view_permission(request) or may_check_eligibility(request.user)):
            raise PermissionDenied
        codes = icd10_suggestions(request.GET.get("q", "")[:100])
        return JsonResponse({"results": [{"code": code.code, "name": code.name}
                                         for code in codes]})

    def has_delete_permission(self, request, obj=None):
        return False


def icd_name(code):
    """The name in the active language; the WHO English name, marked as English, where the
    Russian edition gives none (ICD-10 names are not translated by the Fund)."""
    lang = (get_language() or "ru")[:2]
    local = getattr(code, f"name_{lang}", "") or code.name_ru
    if local:
        return local
    return format_html('<span lang="en">{}</span>', code.name_en)


class DiseaseListItemInline(OsmsTabularInline):
    model = DiseaseListItem
    extra = 0
    fields = ("number", "code", "name_ru", "name_kk", "name_en", "icd10_ranges")


@admin.register(DiseaseList)
class DiseaseListAdmin(OsmsModelAdmin):
    list_display = ("local_name", "item_count")
    local_name = name_column(_("disease list"))
    search_fields = ("code", "name_ru")
    inlines = [DiseaseListItemInline]
    actions = ["copy_lists"]

    @admin.display(description=_("items"))
    def item_count(self, obj):
        return obj.items.count()

    @admin.action(description=_("Copy the selected lists (to edit for a new version)"),
                  permissions=["add"])
    def copy_lists(self, request, queryset):
        from ..services import disease_list_copy

        for source in queryset:
            code = f"{source.code}_copy"
            suffix = 2
            while DiseaseList.objects.filter(code=code).exists():
                code, suffix = f"{source.code}_copy{suffix}", suffix + 1
            copy = disease_list_copy(source=source, code=code, acting_user=request.user)
            self.message_user(request, _("List %(code)s created.") % {"code": copy.code})
