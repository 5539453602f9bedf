"""Admin of memberships, partner feeds, statuses, history and recomputation runs."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from osms.core.admin_display import ImportRunAdminMixin
from osms.core.admin_mixins import (
    OsmsModelAdmin,
    OsmsTabularInline,
    ReadOnlyAdminMixin,
    RegionScopedAdmin,
    confirmed_post,
)
from osms.core.admin_services import ServiceAdminMixin
from osms.core.uploads import ImportFileField, ImportUploadForm, queued_message
from osms.exports.admin import BackgroundExportMixin
from payers.admin.common import PersonIinSearchMixin

from .. import services
from ..feeds import category_feed_run_create
from ..models import (
    CategoryFeedReject,
    CategoryFeedRun,
    CategoryMembership,
    CoverageHistory,
    CoverageStatus,
    MembershipSource,
    Partner,
    RecomputeChunk,
    RecomputeRun,
)
from ..selectors import category_ending_q, losing_status_q, turning_18_q
from .reports import uninsured_report_view


@admin.register(CategoryMembership)
class CategoryMembershipAdmin(PersonIinSearchMixin, ServiceAdminMixin, BackgroundExportMixin,
                              RegionScopedAdmin):
    list_display = ("person", "category", "starts_on", "ends_on", "source", "document")
    list_filter = ("category", "source", "person__region")
    search_fields = ("person__iin",)
    autocomplete_fields = ("person",)
    list_select_related = ("person", "category")
    readonly_fields = ("feed_run", "changed_at")

    # The services check the region scope inside their transaction.
    def service_create(self, request, values):
        if values.get("source") == MembershipSource.TEMPORARY:
            return services.temporary_status_grant(
                person=values["person"], category=values["category"],
                document=values.get("document", ""), starts_on=values.get("starts_on"),
                acting_user=request.user)
        return services.membership_create(acting_user=request.user, **values)

    def service_update(self, request, obj, changes):
        return services.membership_update(membership=obj, acting_user=request.user, **changes)

    def service_delete(self, request, obj):
        services.membership_delete(membership=obj, acting_user=request.user)


class FeedUploadForm(ImportUploadForm):
    runs = CategoryFeedRun
    checksum_field = "sha256"

    partner = forms.ChoiceField(label=_("partner"), choices=[
        c for c in Partner.choices if c[0] != Partner.DERIVED])
    file = ImportFileField(kind="categories", label=_("file (CSV or xlsx)"))


class RejectInline(OsmsTabularInline):
    model = CategoryFeedReject
    extra = 0
    fields = ("row_number", "field", "reason", "raw")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CategoryFeedRun)
class CategoryFeedRunAdmin(ImportRunAdminMixin, OsmsModelAdmin):
    list_display = ("file_name", "partner", "status", "started_at", "rows_total", "rows_loaded",
                    "rows_unchanged", "rows_rejected")
    list_filter = ("partner", "status")
    readonly_fields = ["progress_bar",
                       *[f.name for f in CategoryFeedRun._meta.fields if f.name != "file"]]
    inlines = [RejectInline]

    def has_delete_permission(self, request, obj=None):  # feed runs stay deletable, as before
        return OsmsModelAdmin.has_delete_permission(self, request, obj)

    def get_urls(self):
        return [path("upload/", self.admin_site.admin_view(self.upload_view),
                     name="coverage_categoryfeedrun_upload")] + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:coverage_categoryfeedrun_upload")

    def upload_view(self, request):
        from ..tasks import category_feed_import_task

        if not self.has_add_permission(request):
            raise PermissionDenied
        form = FeedUploadForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            with transaction.atomic():
                run, known = category_feed_run_create(
                    sha=form.checksum, file_name=upload.name,
                    partner=form.cleaned_data["partner"], acting_user=request.user, file=upload)
                if not known:
                    transaction.on_commit(lambda: category_feed_import_task.delay(run.pk))
            if known:
                self.message_user(request, _("This file was already loaded (%(run)s).")
                                  % {"run": run}, messages.INFO)
            else:
                level, text = queued_message(run)
                self.message_user(request, text, level)
            return redirect(reverse("admin:coverage_categoryfeedrun_change", args=[run.pk]))
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.opts,
                   "title": _("Load a partner file of category memberships")}
        return TemplateResponse(request, "coverage/feed_upload.html", context)


class RiskFilter(admin.SimpleListFilter):
    title = _("at risk")
    parameter_name = "risk"

    def lookups(self, request, model_admin):
        return [("losing", _("losing status within 30 days")),
                ("turning18", _("turning 18 next month")),
                ("category_ending", _("category ending within 30 days")),
                ("uninsured", _("not insured"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        conditions = {"losing": losing_status_q(today), "turning18": turning_18_q(today),
                      "category_ending": category_ending_q(today)}
        if self.value() == "uninsured":
            return queryset.filter(insured=False)
        if self.value() in conditions:
            return queryset.filter(conditions[self.value()])
        return queryset


@admin.register(CoverageStatus)
class CoverageStatusAdmin(PersonIinSearchMixin, ReadOnlyAdminMixin, BackgroundExportMixin,
                          RegionScopedAdmin):
    list_display = ("person", "insured", "basis", "valid_until", "category",
                    "last_paid_period", "as_of", "region")
    list_filter = (RiskFilter, "insured", "basis", "person__region")
    search_fields = ("person__iin",)
    list_select_related = ("person", "person__region")
    export_columns = [("person__iin", _("IIN")), ("person__last_name", _("last name")),
                      ("person__first_name", _("first name")), ("person__birth_date",
                      _("birth date")), ("person__region__name_ru", _("region")), "insured",
                      "basis", "valid_until", "category_code", "last_paid_period", "as_of"]
    actions_list = ["uninsured_report"]

    def changelist_view(self, request, extra_context=None):
        self._category_names = None  # read once per page, fresh on the next
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("region"), ordering="person__region")
    def region(self, obj):
        return obj.person.region

    @admin.display(description=_("benefit category"), ordering="category_code")
    def category(self, obj):
        from ..models import BenefitCategory

        if not obj.category_code:
            return "—"
        names = getattr(self, "_category_names", None)
        if names is None:
            names = self._category_names = {c.code: c for c in BenefitCategory.objects.all()}
        found = names.get(obj.category_code)
        return format_html('<span title="{}">{}</span>', obj.category_code,
                           found.name if found else obj.category_code)

    @action(description=_("Uninsured by region and payer type"), url_path="uninsured",
            icon="table_chart")
    def uninsured_report(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return uninsured_report_view(self, request)


@admin.register(CoverageHistory)
class CoverageHistoryAdmin(PersonIinSearchMixin, ReadOnlyAdminMixin, BackgroundExportMixin,
                           RegionScopedAdmin):
    list_display = ("person", "changed_on", "reason", "insured", "basis", "valid_until", "run")
    # Filters by fixed choices: the free-text reason would read SELECT DISTINCT over the history.
    list_filter = ("insured", "basis", "old_basis", "changed_on")
    search_fields = ("person__iin",)
    list_select_related = ("person",)


class ChunkInline(OsmsTabularInline):
    model = RecomputeChunk
    extra = 0
    fields = ("lo", "hi", "done_at", "persons", "changed", "transitions")
    readonly_fields = fields
    can_delete = False
    max_num = 0


@admin.register(RecomputeRun)
class RecomputeRunAdmin(ReadOnlyAdminMixin, OsmsModelAdmin):
    list_display = ("id", "on", "mode", "status", "progress", "persons", "changed",
                    "duration_seconds", "started_at", "finished_at")
    list_filter = ("mode", "status")
    readonly_fields = [f.name for f in RecomputeRun._meta.fields]
    inlines = [ChunkInline]
    actions_list = ["start_incremental", "start_full"]

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return obj.progress

    # A job over the whole population: head office, with its own permission (coverage.roles).
    def has_start_permission(self, request):
        return (request.user.has_perm("coverage.start_recomputerun")
                and request.user.is_head_office)

    def _start(self, request, full):
        from ..tasks import recompute_statuses_task

        if not self.has_start_permission(request):
            raise PermissionDenied
        recompute_statuses_task.delay(full=full, acting_user_id=request.user.pk)
        self.message_user(request, _("The recomputation was queued."), messages.SUCCESS)
        return redirect("admin:coverage_recomputerun_changelist")

    @action(description=_("Recompute now (incremental)"), url_path="start", icon="sync",
            permissions=["start"])
    @confirmed_post(question=_("Recompute the statuses of the persons whose data changed "
                               "since the last run?"), confirm_label=_("Recompute"))
    def start_incremental(self, request):
        return self._start(request, full=False)

    @action(description=_("Recompute everyone"), url_path="start-full", icon="refresh",
            permissions=["start"])
    @confirmed_post(question=_("Recompute the status of every person?"),
                    details=[_("A full run reads the whole registry and ledger; it takes "
                               "long on the national population.")],
                    confirm_label=_("Recompute everyone"))
    def start_full(self, request):
        return self._start(request, full=True)
