"""The worklist: discrepancies by employer and region, their workflow, notices."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from osms.core.admin_mixins import (
    LogEntryHistoryMixin,
    ReadOnlyAdminMixin,
    RegionScopedAdmin,
    confirmed_post,
)
from osms.core.admin_mixins import OsmsTabularInline as TabularInline  # scoped rows and choices
from osms.core.errors import admin_call, form_call
from osms.core.scoping import user_region_id
from osms.exports.admin import BackgroundExportMixin
from payers.admin.common import PersonIinSearchMixin
from payers.selectors import organisation_ids_with_bin

from .. import selectors, services
from ..models import Discrepancy, DiscrepancyEvent, EmployerNotice
from ..notices import notice_pdf, notice_xlsx
from .forms import period_filter

Status = Discrepancy.Status


class DiscrepancyForm(forms.ModelForm):
    new_note = forms.CharField(
        label=_("Add a note"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to write a discrepancy off: the reason."),
    )

    class Meta:
        model = Discrepancy
        fields = ("status", "assignee")

    def clean(self):
        # The workflow's rules are the service's; the instance still holds the saved values.
        data = super().clean()
        form_call(self, services.update_check, discrepancy=self.instance,
                  status=data.get("status"), assignee=data.get("assignee"),
                  note=data.get("new_note", ""))
        return data


class EventInline(TabularInline):
    model = DiscrepancyEvent
    extra = 0
    max_num = 0
    can_delete = False
    fields = ("at", "action", "old_value", "new_value", "note", "acting_user")
    readonly_fields = fields
    ordering = ("-at", "-id")


@admin.register(Discrepancy)
class DiscrepancyAdmin(PersonIinSearchMixin, LogEntryHistoryMixin, BackgroundExportMixin,
                       RegionScopedAdmin):
    form = DiscrepancyForm
    list_display = ("period", "employer_bin", "employer", "iin", "kind", "type", "amount",
                    "status", "assignee", "region")
    list_filter = ("status", "type", "kind", "period", "region")
    search_fields = ("iin", "employer_bin")
    search_help_text = _("Exact IIN or employer BIN (12 digits).")
    list_select_related = ("employer", "region", "assignee")
    # The natural key's index read backwards (the model's mixed order sorted a month per page).
    ordering = ("-period", "-employer_bin", "-iin", "-kind", "-type")

    def iin_search_also(self, term):  # the employer BIN, through the employer's index
        return Q(employer__in=organisation_ids_with_bin(term))
    inlines = [EventInline]
    actions = ["issue_notices", "mark_resolved", "assign_to_me"]
    actions_list = ["by_employer"]
    readonly_fields = ("period", "employer_bin", "employer", "iin", "person", "region", "kind",
                       "type", "income", "declared_amount", "paid_amount", "expected_amount",
                       "amount", "other_period", "notes", "first_run", "last_run", "updated_at")
    fieldsets = (
        (None, {"fields": (("period", "type", "kind"), ("employer_bin", "employer"),
                           ("iin", "person"), "region")}),
        (_("Amounts"), {"fields": (("income", "declared_amount", "paid_amount"),
                                   ("expected_amount", "amount", "other_period"))}),
        (_("Workflow"), {"fields": ("status", "assignee", "notes", "new_note")}),
        (_("Record"), {"fields": (("first_run", "last_run", "updated_at"),),
                       "classes": ["collapse"]}),
    )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(iin=term) | queryset.filter(employer_bin=term), False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            users = get_user_model().objects.filter(is_active=True, is_staff=True)
            region_id = user_region_id(request.user)
            if region_id is not None:
                users = users.filter(region_id=region_id)
            kwargs["queryset"] = users.order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        admin_call(request, services.discrepancy_update, discrepancy=obj,
                   status=form.cleaned_data.get("status"),
                   assignee=form.cleaned_data.get("assignee"),
                   note=form.cleaned_data.get("new_note", ""), acting_user=request.user)

    def has_notify_permission(self, request):
        return request.user.has_perm("reconciliation.add_employernotice")

    @admin.action(description=_("Issue notices to the employers of the selected"),
                  permissions=["notify"])
    @confirmed_post(
        question=lambda admin, request, queryset: _(
            "Issue notices to %(n)d employers about their open discrepancies? The "
            "discrepancies become “Employer notified”.") % {
            "n": len(services.notice_targets(queryset))},
        confirm_label=_("Issue the notices"))
    def issue_notices(self, request, queryset):
        for employer, period in services.notice_targets(queryset):
            notice = admin_call(request, services.notice_issue, employer=employer,
                                period=period, acting_user=request.user)
            if notice is not None:
                messages.success(request, _("Notice %(n)s issued.") % {"n": notice.number})

    @admin.action(description=_("Mark the selected resolved"), permissions=["change"])
    @confirmed_post(
        question=lambda admin, request, queryset: _(
            "Mark %(n)d open discrepancies resolved?") % {
            "n": queryset.filter(status__in=services.OPEN).count()},
        confirm_label=_("Mark resolved"))
    def mark_resolved(self, request, queryset):
        done = 0
        for discrepancy in queryset.filter(status__in=services.OPEN):
            if admin_call(request, services.discrepancy_set_status, discrepancy=discrepancy,
                          status=Status.RESOLVED, acting_user=request.user) is not None:
                done += 1
        messages.success(request, _("%(n)d marked resolved.") % {"n": done})

    @admin.action(description=_("Assign the selected to me"), permissions=["change"])
    @confirmed_post(
        question=lambda admin, request, queryset: _(
            "Assign %(n)d discrepancies to yourself?") % {"n": queryset.count()},
        confirm_label=_("Assign to me"))
    def assign_to_me(self, request, queryset):
        for discrepancy in queryset:
            admin_call(request, services.discrepancy_assign, discrepancy=discrepancy,
                       assignee=request.user, acting_user=request.user)

    @action(description=_("Open worklist by employer"), url_path="by-employer", icon="groups")
    def by_employer(self, request):
        period, error = period_filter(request)
        if error:
            messages.error(request, error)
        rows = [] if error else list(
            selectors.worklist_by_employer(user=request.user, period=period)[:200])
        context = {
            **self.admin_site.each_context(request),
            "title": _("Open discrepancies by employer"),
            "rows": rows,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "reconciliation/by_employer.html", context,
                                status=400 if error else 200)


@admin.register(EmployerNotice)
class EmployerNoticeAdmin(ReadOnlyAdminMixin, BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("number", "employer", "period", "total", "created_by", "created_at")
    list_filter = ("period", "region")
    search_fields = ("number", "employer__bin")
    readonly_fields = ("number", "employer", "region", "period", "total", "lines_table",
                       "created_by", "created_at")
    exclude = ("lines",)

    @admin.display(description=_("lines as sent"))
    def lines_table(self, obj):
        from ..notices import notice_rows

        headers, rows = notice_rows(obj)
        return render_to_string("reconciliation/notice_lines.html",
                                {"headers": headers, "rows": rows})
    list_select_related = ("employer", "created_by")
    actions_detail = ["download_pdf", "download_xlsx"]
    actions_row = ["download_pdf"]

    def _notice(self, request, object_id):
        return self.get_object(request, object_id)  # 404: missing, malformed, another region

    @action(description=_("PDF"), url_path="pdf", icon="picture_as_pdf")
    def download_pdf(self, request, object_id):
        notice = self._notice(request, object_id)
        response = HttpResponse(notice_pdf(notice), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="notice-{notice.number}.pdf"'
        return response

    @action(description=_("Excel"), url_path="xlsx", icon="table_view")
    def download_xlsx(self, request, object_id):
        notice = self._notice(request, object_id)
        response = HttpResponse(
            notice_xlsx(notice),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="notice-{notice.number}.xlsx"'
        return response
