"""Purchasing's own rules every purchasing service shares: commission seats, field errors.

Scope checks and audited saves are the project's one copy in ``osms.core.services``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

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
