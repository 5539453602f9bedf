"""Purchasing's own rules every purchasing service shares: commission seats, field errors,
deleting only drafts.

Scope checks and audited saves are the project's one copy in ``osms.core.services``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from osms.core.services import require_scope

from ..models import CommissionMember


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


def only_draft(row, message):
    """Refuse (on ``status``) unless the row is still a draft; ``message`` may name it."""
    if row.status != "draft":
        raise field_error("status", message % {"status": row.get_status_display()})


def delete_checked(row, *, acting_user, check):
    """Lock the row, check the user may delete it and ``check(row)`` allows it, delete it
    with the acting user in its history. Call inside the service's transaction."""
    row = type(row).objects.select_for_update().get(pk=row.pk)
    require_scope(row, acting_user, "delete")
    check(row)
    row._history_user = acting_user
    row.delete()
