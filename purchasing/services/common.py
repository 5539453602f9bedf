"""Helpers every purchasing service shares: audited saves, scope and membership checks."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from osms.core.scoping import object_in_scope, permission_codename

from ..models import CommissionMember


def require_scope(obj, user, action):
    """The acting user may ``action`` this row (permission and region), else PermissionDenied."""
    if user is None:
        return
    if not user.has_perm(permission_codename(type(obj), action)) and not (
        action == "view" and user.has_perm(permission_codename(type(obj), "change"))
    ):
        raise PermissionDenied(_("You have no permission to do this."))
    if obj.pk is not None and not object_in_scope(obj, user, action):
        raise PermissionDenied(_("You may only act on records of your own region."))


def save_audited(obj, *, acting_user, action, reason=""):
    """Validate, save with the history user and reason, then re-check the region scope."""
    obj.full_clean()
    obj._history_user = acting_user
    if reason:
        obj._change_reason = reason
    obj.save()
    if acting_user is not None and not object_in_scope(obj, acting_user, action):
        raise PermissionDenied(_("You may only write records of your own region."))
    return obj


def member_seat(*, user, commission, roles=None):
    """The user's active seat on the commission (optionally with one of ``roles``), or None."""
    if user is None or commission is None:
        return None
    seats = CommissionMember.objects.filter(commission=commission, user=user, active=True)
    if roles:
        seats = seats.filter(role__in=roles)
    return seats.first()


def require_seat(*, user, commission, roles=None, message=None):
    seat = member_seat(user=user, commission=commission, roles=roles)
    if seat is None:
        raise PermissionDenied(message or _("Only a member of this campaign's commission may do this."))
    return seat


def field_error(field, message):
    return ValidationError({field: message})
