"""Admin of the operations tables: the personal-data access log and the scheduled job runs.

Both are written only by the application: nobody adds, edits or deletes a row here. The
access log is for auditors (the Auditor role sees every model; no other role is given it):
filter by what, user and date, search by ИИН (the person's views and the exports whose file
held them) or username, and download the filtered list as CSV, streamed from a server-side
cursor (any size, bounded memory).
"""

import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.contrib.filters.admin import RangeDateTimeFilter
from unfold.decorators import action

from .access_log import PersonalDataAccess, accesses_of, exported_counts
from .admin_mixins import OsmsModelAdmin, ReadOnlyAdminMixin
from .jobs import JobRun

CSV_COLUMNS = ("at", "username", "what", "iin", "person_id", "detail", "ip")


class _Echo:
    def write(self, value):
        return value


def _cell(value):
    """A text cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdminMixin, OsmsModelAdmin):
    list_display = ("at", "username", "what", "iin", "person_link", "detail", "ip")
    list_filter = ("what", ("at", RangeDateTimeFilter), "user")
    search_fields = ("iin", "username")
    search_help_text = _("Exact IIN (12 digits) or a username.")
    date_hierarchy = None
    actions_list = ["download_csv"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(exported_persons=exported_counts())

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.isdigit() and len(term) == 12:
            # the person's own views and the exports whose file held them
            return queryset.filter(accesses_of(term)), False
        return queryset.filter(username=term), False

    @admin.display(description=_("person viewed"))
    def person_link(self, obj):
        if obj.person_id is None and obj.what == PersonalDataAccess.What.EXPORT:
            count = obj.exported_persons
            return ngettext("%(count)s person in the file", "%(count)s persons in the file",
                            count) % {"count": number_format(count, force_grouping=True)}
        if obj.person_id is None:
            return "—"
        try:
            url = reverse("admin:payers_person_change", args=[obj.person_id])
        except NoReverseMatch:
            return obj.person_id
        return format_html('<a class="underline" href="{}">{}</a>', url, obj.person_id)

    @action(description=_("Download as CSV"), url_path="csv", icon="download")
    def download_csv(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = self.get_changelist_instance(request).get_queryset(request).values_list(
            *CSV_COLUMNS)
        writer = csv.writer(_Echo())

        def lines():
            yield writer.writerow(CSV_COLUMNS)
            for row in rows.iterator(chunk_size=5000):
                yield writer.writerow([_cell(value) for value in row])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
        return response


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdminMixin, OsmsModelAdmin):
    list_display = ("task", "status", "started_at", "finished_at", "worker", "short_error")
    list_filter = ("status", "task")
    search_fields = ("task", "task_id")

    @admin.display(description=_("error"))
    def short_error(self, obj):
        return (obj.error or "")[:120]
