"""Tariffs in the admin: effective-dated, importable from Excel or CSV with per-row errors.

The Import button uploads the file and queues a ``TariffImportRun`` (all rows or none,
checked and merged set-based by the worker: ``packages.tariff_import``); export stays
django-import-export's.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from osms.core.admin_display import ImportRunAdminMixin
from osms.core.admin_mixins import (
    LogEntryHistoryMixin,
    OsmsImportExportAdmin,
    OsmsModelAdmin,
    OsmsTabularInline,
)
from osms.core.uploads import ImportFileField, ImportUploadForm, queued_message

from ..models import (
    TariffBedDay,
    TariffCaseRate,
    TariffImportReject,
    TariffImportRun,
    TariffPhcCoefficient,
    TariffPhcNorm,
    TariffServicePrice,
)
from ..resources import (
    TariffBedDayResource,
    TariffCaseRateResource,
    TariffPhcCoefficientResource,
    TariffPhcNormResource,
    TariffServicePriceResource,
)


class TariffUploadForm(ImportUploadForm):
    runs = TariffImportRun
    earlier_only = {"dry_run": False}  # a check that saved nothing is no earlier load
    file = ImportFileField(kind="tariffs", label=_("tariff file (xlsx or CSV)"))
    dry_run = forms.BooleanField(label=_("only check, save nothing"), required=False)


class TariffImportAdmin(OsmsImportExportAdmin):
    """A tariff list whose Import button queues a background run."""

    import_kind = None

    def import_action(self, request, **kwargs):
        from ..tasks import tariff_import_task

        if not self.has_import_permission(request):
            raise PermissionDenied
        form = TariffUploadForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            with transaction.atomic():
                run = TariffImportRun(kind=self.import_kind, file_name=upload.name[:255],
                                      size=upload.size, dry_run=form.cleaned_data["dry_run"],
                                      source=TariffImportRun.Source.ADMIN,
                                      created_by=request.user)
                run.file = upload
                run.checksum = form.checksum or ""
                run.save()
                transaction.on_commit(lambda: tariff_import_task.delay(run.pk))
            level, text = queued_message(run)
            self.message_user(request, text, level)
            return redirect(reverse("admin:packages_tariffimportrun_change", args=[run.pk]))
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.opts,
                   "title": _("Import %(kind)s") % {
                       "kind": TariffImportRun.Kind(self.import_kind).label}}
        return TemplateResponse(request, "packages/tariff_upload.html", context)

    def process_import(self, request, **kwargs):
        return redirect(reverse(f"admin:packages_{self.opts.model_name}_import"))


class TariffRejectInline(OsmsTabularInline):
    model = TariffImportReject
    extra = 0
    max_num = 0
    can_delete = False
    fields = ("row_number", "field", "reason", "raw")
    readonly_fields = fields


@admin.register(TariffImportRun)
class TariffImportRunAdmin(ImportRunAdminMixin, LogEntryHistoryMixin, OsmsModelAdmin):
    list_display = ("id", "kind", "file_name", "dry_run", "status", "progress", "rows_total",
                    "inserted", "updated", "unchanged", "rows_rejected", "duration_display",
                    "created_by")
    list_filter = ("kind", "status")
    readonly_fields = ("progress_bar",
                       *[f.name for f in TariffImportRun._meta.fields if f.name != "file"],
                       "duration_display")
    inlines = [TariffRejectInline]

    def has_add_permission(self, request):
        return False

@admin.register(TariffPhcNorm)
class TariffPhcNormAdmin(TariffImportAdmin):
    resource_classes = [TariffPhcNormResource]
    import_kind = "phc_norm"
    list_display = ("region", "amount", "valid_from", "valid_to")
    list_filter = ("region",)
    list_select_related = ("region",)


@admin.register(TariffPhcCoefficient)
class TariffPhcCoefficientAdmin(TariffImportAdmin):
    resource_classes = [TariffPhcCoefficientResource]
    import_kind = "phc_coefficient"
    list_display = ("kind", "region", "age_from", "age_to", "sex", "value", "valid_from",
                    "valid_to")
    list_filter = ("kind", "region")
    list_select_related = ("region",)


@admin.register(TariffCaseRate)
class TariffCaseRateAdmin(TariffImportAdmin):
    resource_classes = [TariffCaseRateResource]
    import_kind = "case_rate"
    list_display = ("code", "name", "care_type", "severity", "amount", "valid_from", "valid_to")
    list_filter = ("care_type", "severity")
    search_fields = ("code", "name")
    list_select_related = ("care_type",)


@admin.register(TariffServicePrice)
class TariffServicePriceAdmin(TariffImportAdmin):
    resource_classes = [TariffServicePriceResource]
    import_kind = "service_price"
    list_display = ("code", "name", "price", "valid_from", "valid_to")
    search_fields = ("code", "name")


@admin.register(TariffBedDay)
class TariffBedDayAdmin(TariffImportAdmin):
    resource_classes = [TariffBedDayResource]
    import_kind = "bed_day"
    list_display = ("profile", "name", "care_type", "rate", "valid_from", "valid_to")
    list_filter = ("care_type",)
    list_select_related = ("care_type",)
