"""Person transfer requests: a regional operator asks, a head-office operator decides.

The request's add page is reachable from the «ИИН уже существует» error of the person form
(the ИИН prefilled); the requester sees only the minimum of a person registered elsewhere
(ИИН, initials, region). Approve / reject / cancel are detail actions that call
``payers.services`` (an approval moves the person through ``person_update``).
"""

import copy

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from osms.core.admin_mixins import RegionScopedAdmin, confirmed_post
from osms.core.admin_services import adopt
from osms.core.errors import admin_call
from osms.core.formatting import moment
from osms.core.scoping import user_region_id

from .. import services
from ..models import PersonTransferRequest
from ..selectors import registered_person
from .common import scoped_object

DECIDE = "payers.decide_persontransferrequest"


def initials(person):
    """«И. П. С.»: the initials of a person's names (the full name is not shown)."""
    names = (person.last_name, person.first_name, person.middle_name)
    return " ".join(f"{name[0]}." for name in names if name)


def person_summary(person):
    """The minimum a requester from another region sees: ИИН, initials, current region."""
    return _("IIN %(iin)s · %(initials)s · registered in %(region)s") % {
        "iin": person.iin, "initials": initials(person), "region": person.region.name}


def person_visible(user, person):
    """May ``user`` open this person's record (their region, or head office)?"""
    region_id = user_region_id(user)
    return user.has_perm("payers.view_person") and region_id in (None, person.region_id)


def transfer_request_url(iin):
    return reverse("admin:payers_persontransferrequest_add") + f"?iin={iin}"


class TransferRequestForm(forms.ModelForm):
    iin = forms.CharField(label=_("IIN"), max_length=12, min_length=12,
                          help_text=_("The IIN of the person registered in another region."))

    class Meta:
        model = PersonTransferRequest
        fields = ("to_region", "reason")

    def clean_iin(self):
        iin = self.cleaned_data["iin"].strip()
        self.person = registered_person(iin=iin)
        if self.person is None:
            raise ValidationError(_("No person with this IIN is in the registry."))
        return iin


class NoteForm(forms.Form):
    note = forms.CharField(label=_("decision note"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class RejectForm(forms.Form):
    note = forms.CharField(label=_("reason for the rejection"), max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}))


def _question(text):
    def question(model_admin, request, object_id):
        transfer = scoped_object(model_admin, request, object_id)
        return text % {"n": transfer.pk, "person": person_summary(transfer.person),
                       "to": transfer.to_region.name}
    return question


@admin.register(PersonTransferRequest)
class PersonTransferRequestAdmin(RegionScopedAdmin):
    list_display = ("number", "person_column", "from_region", "to_region", "status",
                    "requested_by", "requested_column", "decided_by")
    list_filter = ("status", "to_region", "from_region")
    list_select_related = ("person__region", "from_region", "to_region", "requested_by",
                           "decided_by")
    search_fields = ("person__iin",)
    search_help_text = _("Exact IIN (12 digits).")
    ordering = ("-requested_at", "-id")
    actions_detail = ["approve", "reject", "cancel"]
    change_fields = ("person_column", "from_region", "to_region", "reason", "status",
                     "requested_by", "requested_column", "decided_by", "decided_column",
                     "decision_note")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(person__iin=term), False

    @admin.display(description="№", ordering="id")
    def number(self, obj):
        return obj.pk

    @admin.display(description=_("person"))
    def person_column(self, obj):
        # The requester of another region sees the minimum; whoever may open the record, a link.
        request = getattr(self, "_request", None)
        if request is not None and person_visible(request.user, obj.person):
            url = reverse("admin:payers_person_change", args=[obj.person_id])
            return format_html('<a class="underline" href="{}">{} ({})</a>', url,
                               obj.person.full_name, obj.person.iin)
        return person_summary(obj.person)

    @admin.display(description=_("requested at"), ordering="requested_at")
    def requested_column(self, obj):
        return moment(obj.requested_at)

    @admin.display(description=_("decided at"), ordering="decided_at")
    def decided_column(self, obj):
        return moment(obj.decided_at) if obj.decided_at else "—"

    def get_queryset(self, request):
        self._request = request  # for the person column (a per-request admin call)
        return super().get_queryset(request)

    # --- the request form (add) and the read-only page -------------------------------------
    def get_fields(self, request, obj=None):
        return ("iin", "to_region", "reason") if obj is None else self.change_fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.change_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change, **kwargs)
        kwargs["form"] = TransferRequestForm
        form = super().get_form(request, obj, change, **kwargs)
        person = registered_person(iin=request.GET.get("iin", "").strip()[:12])
        if person is not None:
            field = copy.deepcopy(form.base_fields["iin"])
            field.help_text = person_summary(person)
            form.base_fields["iin"] = field
        return form

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        region_id = user_region_id(request.user)
        if region_id is not None:
            initial["to_region"] = region_id
        return initial

    def has_change_permission(self, request, obj=None):
        return False  # decided through the actions, never edited

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = services.transfer_request_create(
            person=form.person, to_region=form.cleaned_data.get("to_region"),
            reason=form.cleaned_data.get("reason", ""), acting_user=request.user)
        adopt(obj, saved)

    def response_add(self, request, obj, post_url_continue=None):
        messages.success(request, _("Transfer request №%(n)s is sent to head office; you will "
                                    "see the person once it is approved.") % {"n": obj.pk})
        return redirect(reverse("admin:payers_persontransferrequest_change", args=[obj.pk]))

    # --- decisions ------------------------------------------------------------------------
    def has_decide_permission(self, request, object_id=None):
        return request.user.has_perm(DECIDE)

    def has_cancel_permission(self, request, object_id=None):
        if object_id is None:
            return False
        transfer = self.get_queryset(request).filter(pk=object_id).first()
        return transfer is not None and transfer.requested_by_id == request.user.pk

    def _back(self, transfer):
        return redirect(reverse("admin:payers_persontransferrequest_change", args=[transfer.pk]))

    @action(description=_("Approve and transfer"), url_path="approve", icon="check",
            permissions=["decide"])
    @confirmed_post(question=_question(_("Approve transfer request №%(n)s and move the person "
                                         "(%(person)s) to %(to)s?")),
                    confirm_label=_("Approve and transfer"), form=NoteForm, permission=DECIDE)
    def approve(self, request, object_id, form=None):
        transfer = scoped_object(self, request, object_id)
        admin_call(request, services.transfer_request_approve,
                   _("The person is transferred to %(to)s.") % {"to": transfer.to_region.name},
                   transfer=transfer, acting_user=request.user, note=form.cleaned_data["note"])
        return self._back(transfer)

    @action(description=_("Reject"), url_path="reject", icon="block", permissions=["decide"])
    @confirmed_post(question=_question(_("Reject transfer request №%(n)s (%(person)s)?")),
                    confirm_label=_("Reject"), form=RejectForm, permission=DECIDE)
    def reject(self, request, object_id, form=None):
        transfer = scoped_object(self, request, object_id)
        admin_call(request, services.transfer_request_reject, _("The request is rejected."),
                   transfer=transfer, acting_user=request.user, note=form.cleaned_data["note"])
        return self._back(transfer)

    @action(description=_("Cancel the request"), url_path="cancel", icon="close",
            permissions=["cancel"])
    @confirmed_post(question=_question(_("Cancel transfer request №%(n)s (%(person)s)?")),
                    confirm_label=_("Cancel the request"),
                    permission=lambda model_admin, request: request.user.has_perm(
                        "payers.add_persontransferrequest"))
    def cancel(self, request, object_id):
        transfer = scoped_object(self, request, object_id)
        admin_call(request, services.transfer_request_cancel, _("The request is cancelled."),
                   transfer=transfer, acting_user=request.user)
        return self._back(transfer)


def duplicate_iin_error(user, person):
    """The person form's «ИИН уже существует»: the region, who to ask, and a link to the
    person (one's own region, head office) or to «Request a transfer»."""
    from ..models.registry import duplicate_iin_message

    text = duplicate_iin_message(person)
    if person_visible(user, person):
        url, label = reverse("admin:payers_person_change", args=[person.pk]), \
            _("Open the person's record")
    elif user.has_perm("payers.add_persontransferrequest"):
        url, label = transfer_request_url(person.iin), _("Request a transfer")
    else:
        return ValidationError(text, code="unique")
    return ValidationError(format_html('{} <a class="underline font-semibold" href="{}">{}</a>',
                                       text, url, label), code="unique")
