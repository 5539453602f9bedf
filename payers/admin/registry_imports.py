"""Registry file imports in the admin: the upload behind the persons' and organisations'
Import button, and the run page with its progress and rejected rows.

The upload page only keeps the file (``osms.core.uploads``: size limit, private storage)
and queues the run; the worker parses and merges it (``payers.imports.registry``).
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from osms.core.admin_display import ImportRunAdminMixin, help_with_codes
from osms.core.admin_mixins import LogEntryHistoryMixin, ReadOnlyAdminMixin, RegionScopedAdmin
from osms.core.uploads import ImportFileField, ImportUploadForm, queued_message
from osms.exports.admin import BackgroundExportMixin

from ..imports.registry import registry_import_run_create
from ..models import RegistryImportReject, RegistryImportRun
from .common import form_page

HELP = {
    RegistryImportRun.Kind.PERSONS: help_with_codes(
        _("CSV (UTF-8 or Windows-1251; separated by , or ;) or xlsx with the header {header} "
          "(the region as its KATO code). Rows are matched by IIN; the file is checked and "
          "loaded in the background."),
        header="iin, last_name, first_name, middle_name, citizenship, region, death_date"),
    RegistryImportRun.Kind.ORGANISATIONS: help_with_codes(
        _("CSV (UTF-8 or Windows-1251; separated by , or ;) or xlsx with the header {header} "
          "(the region as its KATO code). Rows are matched by BIN; the file is checked and "
          "loaded in the background."),
        header="bin, name, kind, region"),
}


class BackgroundImportMixin:
    """The Import button of a registry page: upload, then a background run (no parsing here).

    Replaces django-import-export's import (which parsed the whole file in the web process);
    its export stays.
    """

    import_kind = None

    def import_action(self, request, **kwargs):
        from ..tasks import registry_import_task

        if not self.has_import_permission(request):
            raise PermissionDenied

        class UploadForm(ImportUploadForm):
            runs = RegistryImportRun
            file = ImportFileField(kind=self.import_kind, label=_("file (CSV or xlsx)"))

        form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                run = form.remember_checksum(registry_import_run_create(
                    kind=self.import_kind, upload=form.cleaned_data["file"],
                    acting_user=request.user))
                transaction.on_commit(lambda: registry_import_task.delay(run.pk))
            level, text = queued_message(run)
            self.message_user(request, text, level)
            return redirect(reverse("admin:payers_registryimportrun_change", args=[run.pk]))
        return form_page(self, request, form, submit=_("Import"),
                         title=_("Import a file of %(kind)s") % {
                             "kind": RegistryImportRun.Kind(self.import_kind).label},
                         help_text=HELP[self.import_kind])

    def process_import(self, request, **kwargs):
        return redirect(reverse(f"admin:payers_{self.opts.model_name}_import"))


@admin.register(RegistryImportRun)
class RegistryImportRunAdmin(ImportRunAdminMixin, LogEntryHistoryMixin, RegionScopedAdmin):
    list_display = ("id", "kind", "file_name", "status", "progress", "rows_total", "inserted",
                    "updated", "unchanged", "rows_rejected", "duration_display", "created_by",
                    "created_at")
    list_filter = ("kind", "status")
    readonly_fields = ("progress_bar", "rejects_link",
                       *[f.name for f in RegistryImportRun._meta.fields if f.name != "file"],
                       "duration_display")

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("rejected rows"))
    def rejects_link(self, obj):
        url = (reverse("admin:payers_registryimportreject_changelist")
               + f"?run__id__exact={obj.pk}")
        return format_html('<a href="{}">{} →</a>', url, obj.rows_rejected)


@admin.register(RegistryImportReject)
class RegistryImportRejectAdmin(ReadOnlyAdminMixin, BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("run", "row_number", "field", "reason", "raw")
    list_filter = ("field", "run")
    list_select_related = ("run",)
    ordering = ("run", "row_number")
