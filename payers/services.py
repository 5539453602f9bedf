"""Writes to the registry: one keyword-only, atomic function per action.

The admin (page and inlines) and the API call these, so every write leaves the same
trail: the model permission and region checked (``osms.core.services``), the row locked
for a change, the acting user and the reason in the history (django-simple-history), and
the registry's change lock held by ``Person`` and ``Activity`` writes (``osms.core.changes``).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from osms.core.scoping import user_region_id
from osms.core.services import (
    delete_audited,
    lock_for_change,
    require_scope,
    save_audited,
    update_audited,
)

from .models import Activity, Employment, Organisation, Person, PersonTransferRequest

DECIDE_TRANSFER = "payers.decide_persontransferrequest"


def _create(obj, *, acting_user, reason=""):
    require_scope(obj, acting_user, "add")
    return save_audited(obj, acting_user=acting_user, action="add", reason=reason)


@transaction.atomic
def person_create(*, iin, last_name, first_name, region, middle_name="", citizenship=None,
                  death_date=None, acting_user=None, reason=""):
    person = Person(iin=iin, last_name=last_name, first_name=first_name,
                    middle_name=middle_name or "", region=region, death_date=death_date)
    if citizenship:
        person.citizenship = citizenship
    return _create(person, acting_user=acting_user, reason=reason)


@transaction.atomic
def person_update(*, person, acting_user=None, reason="", **changes):
    """Change a person's fields; returns the person (unchanged fields are no-ops)."""
    return update_audited(Person, person.pk, acting_user=acting_user, reason=reason, changes=changes)


@transaction.atomic
def person_delete(*, person, acting_user=None, reason=""):
    """Remove a person entered by mistake; refused (``ProtectedError``) once paid for."""
    return delete_audited(Person, person.pk, acting_user=acting_user, reason=reason)


@transaction.atomic
def organisation_create(*, bin, name, region, kind=Organisation.Kind.EMPLOYER,
                        acting_user=None, reason=""):
    org = Organisation(bin=bin, name=name, region=region, kind=kind)
    return _create(org, acting_user=acting_user, reason=reason)


@transaction.atomic
def organisation_update(*, organisation, acting_user=None, reason="", **changes):
    return update_audited(Organisation, organisation.pk, acting_user=acting_user, reason=reason,
                   changes=changes)


@transaction.atomic
def organisation_delete(*, organisation, acting_user=None, reason=""):
    """Refused (``ProtectedError``) while employments refer to it."""
    return delete_audited(Organisation, organisation.pk, acting_user=acting_user, reason=reason)


@transaction.atomic
def activity_create(*, person, kind, tax_regime, started_on, ended_on=None, acting_user=None,
                    reason=""):
    """Register a person's activity as an entrepreneur or private practitioner."""
    activity = Activity(person=person, kind=kind, tax_regime=tax_regime, started_on=started_on,
                        ended_on=ended_on)
    return _create(activity, acting_user=acting_user, reason=reason)


@transaction.atomic
def activity_update(*, activity, acting_user=None, reason="", **changes):
    return update_audited(Activity, activity.pk, acting_user=acting_user, reason=reason,
                   changes=changes)


@transaction.atomic
def activity_delete(*, activity, acting_user=None, reason=""):
    return delete_audited(Activity, activity.pk, acting_user=acting_user, reason=reason)


@transaction.atomic
def employment_create(*, employer, employee, started_on, ended_on=None, acting_user=None,
                      reason=""):
    employment = Employment(employer=employer, employee=employee, started_on=started_on,
                            ended_on=ended_on)
    return _create(employment, acting_user=acting_user, reason=reason)


@transaction.atomic
def employment_update(*, employment, acting_user=None, reason="", **changes):
    return update_audited(Employment, employment.pk, acting_user=acting_user, reason=reason,
                   changes=changes)


@transaction.atomic
def employment_delete(*, employment, acting_user=None, reason=""):
    return delete_audited(Employment, employment.pk, acting_user=acting_user, reason=reason)


# --- person transfer requests ---------------------------------------------------------------

@transaction.atomic
def transfer_request_create(*, person, reason, acting_user=None, to_region=None):
    """Ask head office to move ``person`` (registered elsewhere) to ``to_region`` (a regional
    operator's own region; head office names it). The requester need not see the person."""
    own = user_region_id(acting_user)
    if own is not None and to_region is not None and to_region.pk != own:
        raise PermissionDenied(_("You may only request a transfer into your own region."))
    to_region_id = own if own is not None else getattr(to_region, "pk", None)
    if to_region_id is None:
        raise ValidationError({"to_region": _("Choose the region to transfer the person to.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the person should be transferred.")})
    person = Person._base_manager.select_for_update().get(pk=person.pk)
    if person.region_id == to_region_id:
        raise ValidationError(_("The person is already registered in this region."))
    transfer = PersonTransferRequest(person=person, from_region_id=person.region_id,
                                     to_region_id=to_region_id, reason=reason.strip(),
                                     requested_by=acting_user)
    require_scope(transfer, acting_user, "add")
    return save_audited(transfer, acting_user=acting_user, action="add",
                        reason=_("Transfer requested"))


def _pending(transfer, acting_user, action="change"):
    locked = lock_for_change(PersonTransferRequest, transfer.pk, acting_user=acting_user,
                             action=action)
    if locked.status != PersonTransferRequest.Status.PENDING:
        raise ValidationError(_("This request was already decided (%(status)s).") % {
            "status": locked.get_status_display()})
    return locked


def _require_decider(acting_user):
    if acting_user is not None and not acting_user.has_perm(DECIDE_TRANSFER):
        raise PermissionDenied(_("Only head-office operators decide on transfer requests."))


@transaction.atomic
def transfer_request_approve(*, transfer, acting_user=None, note=""):
    """Move the person to the requested region (through ``person_update``: its history names
    the request and its reason) and close the request as approved."""
    _require_decider(acting_user)
    transfer = _pending(transfer, acting_user)
    person = lock_for_change(Person, transfer.person_id, acting_user=acting_user)
    if person.region_id != transfer.from_region_id:
        raise ValidationError(_("The person was moved to another region after the request "
                                "was made; reject it and ask for a new one."))
    person_update(person=person, acting_user=acting_user, region=transfer.to_region,
                  reason=_("Transfer request №%(n)s: %(reason)s") % {
                      "n": transfer.pk, "reason": transfer.reason})
    return _decide(transfer, PersonTransferRequest.Status.APPROVED, acting_user, note)


@transaction.atomic
def transfer_request_reject(*, transfer, note, acting_user=None):
    _require_decider(acting_user)
    if not (note or "").strip():
        raise ValidationError({"decision_note": _("Say why the request is rejected.")})
    transfer = _pending(transfer, acting_user)
    return _decide(transfer, PersonTransferRequest.Status.REJECTED, acting_user, note)


@transaction.atomic
def transfer_request_cancel(*, transfer, acting_user=None, note=""):
    """The requester withdraws a request still waiting."""
    transfer = PersonTransferRequest._base_manager.select_for_update().get(pk=transfer.pk)
    if acting_user is not None and transfer.requested_by_id != acting_user.pk and \
            not acting_user.has_perm(DECIDE_TRANSFER):
        raise PermissionDenied(_("Only the requester may cancel a transfer request."))
    if transfer.status != PersonTransferRequest.Status.PENDING:
        raise ValidationError(_("This request was already decided (%(status)s).") % {
            "status": transfer.get_status_display()})
    return _decide(transfer, PersonTransferRequest.Status.CANCELLED, acting_user, note,
                   check_scope=False)


def _decide(transfer, status, acting_user, note, check_scope=True):
    transfer.status = status
    transfer.decided_by = acting_user
    transfer.decided_at = timezone.now()
    transfer.decision_note = (note or "").strip()
    if not check_scope:  # the requester's own request, whichever region it lies in
        transfer._history_user = acting_user
        transfer._change_reason = transfer.get_status_display()
        transfer.full_clean()
        transfer.save()
        return transfer
    return save_audited(transfer, acting_user=acting_user, action="change",
                        reason=transfer.get_status_display())
