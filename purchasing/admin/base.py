"""Shared admin helpers: service errors as messages, read-only inlines."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from unfold.admin import TabularInline


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


class ReadOnlyInline(TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return tuple(self.fields or ()) + tuple(super().get_readonly_fields(request, obj))

    def has_change_permission(self, request, obj=None):
        return False


class LogEntryHistoryMixin:
    """For append-only audit rows without HistoricalRecords: Django's own history page
    (simple-history's would fail on a model it does not track)."""

    object_history_template = "admin/object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
