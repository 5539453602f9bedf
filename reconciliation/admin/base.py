"""Admin bases of this app (the history mixin is core's; the old name is kept for imports)."""

from osms.core.admin_mixins import LogEntryHistoryMixin as PlainHistoryMixin

__all__ = ["PlainHistoryMixin"]
