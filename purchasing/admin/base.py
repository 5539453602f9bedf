"""Shared admin pieces of purchasing: read-only inlines of service-written rows.

Service errors are shown with ``osms.core.errors.admin_call`` / ``form_call``; history
pages of untracked rows come from ``osms.core.admin_mixins.LogEntryHistoryMixin``.
"""

from unfold.admin import TabularInline


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
