"""Filters and the search of the case lists, served by indexes and reference tables, never by
a scan of the cases (docs/CONTRIBUTING.md): the ICD-10 chapter (the classification's chapters
and the span of their blocks), the start of the diagnosis code typed by the operator, and the
search by ИИН, provider's БИН or БИН and case number (``monitoring.selectors.case_search``)."""

from django.contrib import messages
from django.db.models.functions import Substr
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import DropdownFilter, TextFilter

from packages.selectors import icd10_chapters, icd10_prefix

from ..selectors import case_search


class CaseSearchMixin:
    """The search box of a list of cases or of rows of a case (``case_search_path``)."""

    case_search_path = ""
    search_fields = ("iin",)  # shows the box; ``get_search_results`` does the search
    search_help_text = _("Patient's IIN or provider's BIN (12 digits), or the provider's BIN, "
                         "a space and its case number.")

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        found = case_search(queryset, search_term, case_path=self.case_search_path)
        if found is None:
            self.message_user(request, gettext(
                "Search by the patient's IIN or the provider's BIN (12 digits), or by the "
                "provider's BIN, a space and its case number."), messages.WARNING)
            return queryset.none(), False
        return found, False


class Icd10ChapterFilter(DropdownFilter):
    """Cases whose main diagnosis falls in an ICD-10 chapter (its first three characters in
    the span of the chapter's blocks)."""

    title = _("diagnosis: ICD-10 chapter")
    parameter_name = "icd10_chapter"

    def lookups(self, request, model_admin):
        self._spans = {}
        choices = []
        for code, name, first, last in icd10_chapters():
            self._spans[code] = (first, last)
            choices.append((code, f"{code}. {first}–{last} {name}"))
        return choices

    def queryset(self, request, queryset):
        span = self._spans.get(self.value()) if self.value() else None
        if span is None:
            return queryset
        return queryset.alias(icd10_category=Substr("icd10", 1, 3)).filter(
            icd10_category__range=span)


class Icd10CodeFilter(TextFilter):
    """Cases whose main diagnosis starts with the code typed (``J18``, ``J18.9``)."""

    title = _("diagnosis: ICD-10 code starts with")
    parameter_name = "icd10_code"

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        prefix = icd10_prefix(self.value())
        if prefix is None:
            return queryset.none()  # nothing but a code can match
        return queryset.filter(icd10__startswith=prefix)
