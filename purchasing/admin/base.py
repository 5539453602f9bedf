"""Shared admin helpers: service errors as messages, read-only inlines."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError

from osms.core.admin_mixins import LogEntryHistoryMixin, OsmsTabularInline

__all__ = ["LogEntryHistoryMixin", "ReadOnlyInline", "report", "validation_messages"]


def report(request, func, success_message, **kwargs):
    """Call a service; a ValidationError or PermissionDenied becomes an error message."""
    try:
        result = func(**kwargs)
    except ValidationError as exc:
        messages.error(request, "; ".join(_flatten(exc)))
        return None
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return None
    if success_message:
        messages.success(request, success_message)
    return result


def _flatten(exc):
    if hasattr(exc, "error_dict"):
        return [f"{field}: {msg}" for field, errors in exc.message_dict.items() for msg in errors]
    return list(exc.messages)


def validation_messages(exc):
    return _flatten(exc)


class ReadOnlyInline(OsmsTabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return tuple(self.fields or ()) + tuple(super().get_readonly_fields(request, obj))

    def has_change_permission(self, request, obj=None):
        return False
