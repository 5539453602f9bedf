"""Declaration imports: upload page, run records with rejects, declaration lines."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from osms.core.admin_display import ImportRunAdminMixin, help_with_codes
from osms.core.admin_mixins import LogEntryHistoryMixin, OsmsModelAdmin, RegionScopedAdmin
from osms.core.admin_mixins import OsmsTabularInline as TabularInline  # scoped rows and choices
from osms.core.uploads import ImportFileField, ImportUploadForm, queued_message
from osms.exports.admin import BackgroundExportMixin
from payers.admin.common import PersonIinSearchMixin

from ..importer import declaration_run_create
from ..models import Declaration, DeclarationImportRun, DeclarationReject


class UploadForm(ImportUploadForm):
    runs = DeclarationImportRun
    file = ImportFileField(
        kind="declarations",
        label=_("Declarations file (.csv or .xlsx)"),
        help_text=help_with_codes(
            _("CSV (UTF-8 or Windows-1251, separated by ; or ,) or xlsx with the header "
              "{header}. A file already loaded is skipped; the file is loaded in the "
              "background."),
            header="employer_bin, iin, period, income, osms_deduction, osms_contribution, ipn, "
                   "social_tax, opv, so"),
    )


class RejectInline(TabularInline):
    model = DeclarationReject
    extra = 0
    max_num = 0
    can_delete = False
    fields = ("row_no", "field", "reason", "raw")
    readonly_fields = fields
    ordering = ("row_no",)
    per_page = 50


@admin.register(DeclarationImportRun)
class DeclarationImportRunAdmin(ImportRunAdminMixin, LogEntryHistoryMixin, OsmsModelAdmin):
    list_display = ("id", "file_name", "status", "progress", "rows_read", "inserted", "updated",
                    "unchanged", "rejected", "started_at", "duration_display")
    list_filter = ("status", "source")
    readonly_fields = ["progress_bar",
                       *[f.name for f in DeclarationImportRun._meta.fields if f.name != "file"],
                       "duration_display"]
    inlines = [RejectInline]
    actions_list = ["upload"]

    def has_add_permission(self, request):
        return False

    def has_upload_permission(self, request):
        return request.user.has_perm("reconciliation.add_declarationimportrun")

    @action(description=_("Upload declarations"), url_path="upload", icon="upload",
            permissions=["upload"])
    def upload(self, request):
        if not self.has_upload_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            from ..tasks import declarations_import_task

            upload = form.cleaned_data["file"]
            with transaction.atomic():
                run, known = declaration_run_create(
                    checksum=form.checksum, file_name=upload.name, size=upload.size,
                    source=DeclarationImportRun.Source.ADMIN, acting_user=request.user,
                    file=upload)
                if not known:
                    transaction.on_commit(lambda: declarations_import_task.delay(run.pk))
            if known:
                messages.info(request, _("This file was already loaded (run #%(n)s).") % {
                    "n": run.pk})
            else:
                level, text = queued_message(run)
                messages.add_message(request, level, text)
            return redirect("admin:reconciliation_declarationimportrun_change", run.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Upload tax declarations"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "reconciliation/upload.html", context)


@admin.register(Declaration)
class DeclarationAdmin(PersonIinSearchMixin, LogEntryHistoryMixin, BackgroundExportMixin,
                       RegionScopedAdmin):
    list_display = ("period", "employer_bin", "iin", "income", "osms_deduction",
                    "osms_contribution", "ipn", "opv", "so", "social_tax")
    list_filter = ("period", "employer__region")
    search_fields = ("iin", "employer_bin")
    search_help_text = _("Exact IIN or employer BIN (12 digits).")
    readonly_fields = [f.name for f in Declaration._meta.fields]
    list_select_related = ("employer",)
    # One direction for every column, so that an index (period, employer BIN) read backwards
    # gives the page in order: the model's mixed order sorted a whole month per page.
    ordering = ("-period", "-employer_bin", "-iin")

    def iin_search_also(self, term):  # the employer BIN leads the natural key's index
        return Q(employer_bin=term)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
