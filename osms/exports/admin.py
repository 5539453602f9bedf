"""Background exports in the admin: the mixin for any list, and the download centre.

Add the Export button to a list (its current filters, search, ordering and the
user's region scope go into the file)::

    class PaymentAdmin(BackgroundExportMixin, RegionScopedAdmin): ...

Columns are the list's ``list_display``, or ``export_columns`` when set
(names, ``a__b`` lookups, callables taking the object, or ``(name, header)``).
"""

from django.contrib import admin
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.enums import ActionVariant

from osms.core.admin_mixins import OsmsModelAdmin

from .changelist import can_export, clean_querystring
from .models import ExportJob
from .services import export_delete
from .views import export_confirm_view, export_download_view, export_progress_view


class BackgroundExportMixin:
    """Gives a ModelAdmin's list an "Export" button that runs as a background job."""

    # None: the columns of list_display. Otherwise names / callables / (name, header).
    export_columns = None
    # Hide django-import-export's in-request export, which cannot stream a million rows.
    background_export_replaces_import_export = True

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        urls = [
            path(
                "background-export/",
                self.admin_site.admin_view(self.background_export_view),
                name="{}_{}_background_export".format(*info),
            )
        ]
        return urls + super().get_urls()

    def background_export_view(self, request):
        return export_confirm_view(request, self)

    def has_export_permission(self, request):
        if self.background_export_replaces_import_export:
            return False
        return super().has_export_permission(request)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context is not None and can_export(self, request):
            url = reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}"
                "_background_export"
            )
            querystring = clean_querystring(request.GET.urlencode())
            button = {
                "title": _("Export"),
                "icon": "download",
                "variant": ActionVariant.DEFAULT,
                "attrs": {"data-osms-export": "1"},
                "dialog": None,
                "path": f"{url}?{querystring}" if querystring else url,
            }
            context["actions_list"] = [*(context.get("actions_list") or []), button]
        return response


def _size(num_bytes):
    if num_bytes is None:
        return "—"
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if num_bytes >= scale:
            return f"{number_format(num_bytes / scale, 1)} {unit}"
    return f"{num_bytes} B"


_STATUS_COLOURS = {
    ExportJob.Status.QUEUED: "#6b7280",
    ExportJob.Status.RUNNING: "#2563eb",
    ExportJob.Status.DONE: "#16a34a",
    ExportJob.Status.FAILED: "#dc2626",
    ExportJob.Status.EXPIRED: "#9ca3af",
}


@admin.register(ExportJob)
class ExportJobAdmin(OsmsModelAdmin):
    """The download centre: the user's own exports, live progress, download links."""

    list_display = ("title", "filters_column", "file_format", "status_column",
                    "progress_column", "size_column", "created_at", "expires_at",
                    "download_column")
    list_display_links = None
    list_filter = ("status", "file_format")
    list_per_page = 50
    readonly_fields = ("title", "filters_column", "file_format", "status", "rows_done",
                       "rows_total", "sheets", "file_size", "error", "ran_synchronously",
                       "created_at", "started_at", "finished_at", "expires_at")
    fields = readonly_fields

    class Media:
        js = ("exports/progress.js",)

    @admin.display(description=_("filters"))
    def filters_column(self, obj):
        from .filters_text import filters_text

        shown = filters_text(obj.content_type.model_class(), obj.querystring)
        if not shown:
            return _("the whole list")
        return format_html_join(" · ", "{}: {}", shown)

    def get_queryset(self, request):
        # Everyone, superusers included, sees and downloads only their own exports.
        return super().get_queryset(request).filter(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.user_id == request.user.pk)

    def delete_model(self, request, obj):
        export_delete(job=obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for job in queryset.filter(user=request.user):
            export_delete(job=job, acting_user=request.user)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("progress/", wrap(export_progress_view), name="exports_exportjob_progress"),
            path("<int:pk>/download/", wrap(export_download_view),
                 name="exports_exportjob_download"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "title": _("Download centre"),
            "subtitle": _("Your exports; files are deleted when they expire."),
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("status"), ordering="status")
    def status_column(self, job):
        label = format_html(
            '<span data-export-status="{}" style="color:{};font-weight:600">{}</span>',
            job.pk, _STATUS_COLOURS.get(job.status, "inherit"), job.get_status_display(),
        )
        if job.status == ExportJob.Status.FAILED and job.error:
            return format_html(
                '{}<div style="color:#dc2626;max-width:28rem;white-space:normal">{}</div>',
                label, job.error,
            )
        return label

    @admin.display(description=_("progress"))
    def progress_column(self, job):
        total = "?" if job.rows_total is None else number_format(job.rows_total, force_grouping=True)
        return format_html(
            '<div data-export-job="{}" data-status="{}" style="min-width:11rem">'
            '<div style="background:#e5e7eb;border-radius:4px;height:8px;overflow:hidden">'
            '<div data-export-bar style="width:{}%;height:8px;background:{};'
            'transition:width .4s"></div></div>'
            '<span data-export-rows style="font-size:12px">{} / {}</span></div>',
            job.pk, job.status, job.percent, _STATUS_COLOURS.get(job.status, "#2563eb"),
            number_format(job.rows_done, force_grouping=True), total,
        )

    @admin.display(description=_("size"), ordering="file_size")
    def size_column(self, job):
        return _size(job.file_size)

    @admin.display(description=_("file"))
    def download_column(self, job):
        if job.status != ExportJob.Status.DONE or not job.file:
            return "—"
        url = reverse(f"{self.admin_site.name}:exports_exportjob_download", args=[job.pk])
        return format_html(
            '<a href="{}" class="font-semibold text-primary-600 underline">{}</a>',
            url, _("Download"),
        )
