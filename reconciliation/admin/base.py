"""Admin bases of this app."""

from django.contrib import admin


class PlainHistoryMixin:
    """Django's own history page (admin log) for models without simple-history tables.

    Bulk-written tables keep run records and events instead of history rows;
    SimpleHistoryAdmin's page would fail on them.
    """

    def history_view(self, request, object_id, extra_context=None):
        return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
