"""Allocation review by the region's commission: adjust with a reason, vote, approve, export."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from osms.core.admin_mixins import ReadOnlyAdminMixin, RegionScopedAdmin, confirmed_post
from osms.core.errors import admin_call
from osms.exports.admin import BackgroundExportMixin

from .. import services
from ..allocation import algorithm_label
from ..explain import explain_line
from ..exports import protocol_pdf, protocol_xlsx
from ..models import Allocation, AllocationAdjustment, AllocationLine, Protocol, Vote
from ..services.common import member_seat
from .base import ReadOnlyInline


class AdjustForm(forms.Form):
    """The input of an adjustment; its rules (limits, a written reason) are line_adjust's."""

    volume = forms.IntegerField(label=_("new volume"))
    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea(
        attrs={"rows": 2}))


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("vote"), choices=Vote.Choice.choices,
                               widget=forms.RadioSelect)


class LineInline(ReadOnlyInline):
    model = AllocationLine
    fields = ("rank", "provider", "score", "requested_volume", "ceiling", "proposed_volume",
              "volume", "amount", "explanation")
    readonly_fields = ("explanation",)
    show_change_link = False

    @admin.display(description=_("explanation"))
    def explanation(self, obj):
        return explain_line(obj)


@admin.register(Allocation)
class AllocationAdmin(BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("__str__", "status", "distributable_volume", "total_volume", "total_amount",
                    "created_at", "review")
    list_filter = ("status", "campaign__region", "campaign__year")
    list_select_related = ("campaign__region", "campaign__care_type")
    exclude = ("algorithm",)
    readonly_fields = ("campaign", "version", "algorithm_label", "inputs_digest", "status",
                       "distributable_volume", "total_volume", "total_amount", "created_by",
                       "review")
    inlines = [LineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a run is the record of a proposal; a later run supersedes it

    @admin.display(description=_("algorithm"))
    def algorithm_label(self, obj):
        return format_html('<span title="{}">{}</span>', obj.algorithm,
                           algorithm_label(obj.algorithm))

    @admin.display(description=_("review"))
    def review(self, obj):
        url = reverse("admin:purchasing_allocation_review", args=[obj.pk])
        return format_html('<a class="text-primary-600" href="{}">{}</a>', url,
                           _("Open the review"))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/review/", view(self.review_view), name="purchasing_allocation_review"),
            path("<int:pk>/approve/", view(self.approve_view),
                 name="purchasing_allocation_approve"),
            *super().get_urls(),
        ]

    def _run(self, request, pk):
        run = self.get_object(request, str(pk))  # 404 for another region's allocation
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        return run

    def review_view(self, request, pk):
        run = self._run(request, pk)
        campaign = run.campaign
        protocol = run.protocol
        seat = member_seat(user=request.user, commission=campaign.commission)
        if request.method == "POST":
            self._handle_post(request, run, protocol)
            return HttpResponseRedirect(request.path)
        lines = list(run.lines.select_related("provider").order_by("rank"))
        for line in lines:
            line.explanation = explain_line(line)
        tally = services.protocol_tally(protocol)
        my_vote = None
        if seat is not None and tally["meeting"]:
            my_vote = Vote.objects.filter(meeting_id=tally["meeting"], member=seat).first()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta, "title": _("Allocation review: %(c)s") % {"c": campaign},
            "run": run, "campaign": campaign, "protocol": protocol, "lines": lines,
            "algorithm_label": algorithm_label(run.algorithm),
            "seat": seat, "tally": tally, "my_vote": my_vote,
            "can_adjust": seat is not None and run.status == Allocation.Status.PROPOSED,
            "can_approve": (seat is not None and seat.role in ("chair", "deputy_chair")
                            and protocol.status == Protocol.Status.DRAFT
                            and run.status == Allocation.Status.PROPOSED
                            and request.user.has_perm("purchasing.approve_protocol")),
            "vote_form": VoteForm(initial={"choice": my_vote.choice if my_vote else None}),
            "adjustments": AllocationAdjustment.objects.filter(line__allocation=run)
            .select_related("line__provider", "user"),
            "approve_url": reverse("admin:purchasing_allocation_approve", args=[run.pk]),
            "xlsx_url": reverse("admin:purchasing_protocol_xlsx", args=[protocol.pk]),
            "pdf_url": reverse("admin:purchasing_protocol_pdf", args=[protocol.pk]),
        }
        return TemplateResponse(request, "admin/purchasing/allocation_review.html", context)

    def _handle_post(self, request, run, protocol):
        action = request.POST.get("action")
        if action == "adjust":
            line_id = request.POST.get("line", "")
            line = run.lines.filter(pk=line_id).first() if line_id.isdigit() else None
            if line is None:
                messages.error(request, _("No such line in this allocation."))
                return
            form = AdjustForm(request.POST, prefix=f"line{line.pk}")
            if not form.is_valid():
                for field, errors in form.errors.items():
                    messages.error(request, f"{line.provider.name} · {field}: {' '.join(errors)}")
                return
            admin_call(request, services.line_adjust,
                       _("%(p)s: volume changed to %(v)s") % {"p": line.provider.name,
                                                              "v": form.cleaned_data["volume"]},
                       line=line, new_volume=form.cleaned_data["volume"],
                       reason=form.cleaned_data["reason"], acting_user=request.user)
        elif action == "vote":
            form = VoteForm(request.POST)
            meeting = run.campaign.meetings.filter(status="open").order_by("-held_on").first()
            if not form.is_valid() or meeting is None:
                messages.error(request, _("Choose a vote; the meeting must be open."))
                return
            admin_call(request, services.vote_cast, _("Your vote is recorded."), meeting=meeting,
                       user=request.user, choice=form.cleaned_data["choice"])
        else:
            messages.error(request, _("Unknown action."))

    @confirmed_post(
        question=lambda admin, request, pk: _(
            "Approve protocol %(n)s? The allocation becomes final and the meeting closes.")
        % {"n": admin._run(request, pk).protocol.number},
        confirm_label=_("Approve the protocol"), permission="purchasing.approve_protocol")
    def approve_view(self, request, pk):
        run = self._run(request, pk)
        admin_call(request, services.protocol_approve, _("The protocol is approved."),
                   protocol=run.protocol, acting_user=request.user)
        return HttpResponseRedirect(reverse("admin:purchasing_allocation_review", args=[run.pk]))


@admin.register(AllocationAdjustment)
class AllocationAdjustmentAdmin(ReadOnlyAdminMixin, BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("line", "old_volume", "new_volume", "reason", "user", "created_at")
    list_filter = ("line__allocation__campaign__region",)
    readonly_fields = ("line", "old_volume", "new_volume", "old_amount", "new_amount", "reason",
                       "user", "created_at")


@admin.register(Protocol)
class ProtocolAdmin(RegionScopedAdmin):
    list_display = ("number", "campaign", "status", "approved_at", "approved_by", "downloads")
    list_filter = ("status", "campaign__region", "campaign__year")
    list_select_related = ("campaign__region", "campaign__care_type", "approved_by")
    readonly_fields = ("allocation", "campaign", "meeting", "number", "status", "tally",
                       "approved_at", "approved_by", "downloads")
    exclude = ("decision",)

    @admin.display(description=_("vote tally"))
    def tally(self, obj):
        return render_to_string("admin/purchasing/protocol_tally.html",
                                {"decision": obj.decision or {}})

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the allocation's review page needs its protocol

    @admin.display(description=_("export"))
    def downloads(self, obj):
        return format_html('<a href="{}">Excel</a> · <a href="{}">PDF</a>',
                           reverse("admin:purchasing_protocol_xlsx", args=[obj.pk]),
                           reverse("admin:purchasing_protocol_pdf", args=[obj.pk]))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/protocol.xlsx", view(self.xlsx_view), name="purchasing_protocol_xlsx"),
            path("<int:pk>/protocol.pdf", view(self.pdf_view), name="purchasing_protocol_pdf"),
            *super().get_urls(),
        ]

    def _download(self, request, pk, render, content_type, extension):
        protocol = self.get_object(request, str(pk))
        if not self.has_view_permission(request, protocol):
            raise PermissionDenied
        response = HttpResponse(render(protocol), content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="protocol-{protocol.number}.{extension}"')
        return response

    def xlsx_view(self, request, pk):
        return self._download(
            request, pk, protocol_xlsx,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")

    def pdf_view(self, request, pk):
        return self._download(request, pk, protocol_pdf, "application/pdf", "pdf")
