"""Jobs that pick up "rows changed since the last run" and the writers of those rows agree.

A job that takes the rows stamped (``changed_at``, ``history_date``) after the moment its
previous run started misses a row written in a transaction that was still open at that
moment and committed later: the row is stamped before the moment, but was not visible
then. So writers of such rows hold ``change_lock(name)`` (shared, PostgreSQL advisory
lock) from before they stamp until they commit, and the job reads its moment with
``settled_moment(*names)``, which takes the locks exclusively for an instant: every
writer in flight has committed by then, and every later writer stamps after it.
(The payments ledger does the same with ids: ``payers.ledger.settled_payment_watermark``.)
"""

from django.db import transaction
from django.utils import timezone

from .locks import xact_lock


def change_lock(name):
    """Hold ``name``'s lock (``osms.core.locks``) shared until the current transaction ends."""
    xact_lock(name, shared=True)


def settled_moment(*names):
    """A moment such that every change of ``names`` stamped before it is committed."""
    with transaction.atomic():
        for name in sorted(names):
            xact_lock(name)
        return timezone.now()


class ChangeLocked:
    """Model mixin: ``save`` and ``delete`` hold the model's ``change_lock_name`` lock."""

    change_lock_name = ""

    def save(self, *args, **kwargs):
        with transaction.atomic():
            change_lock(self.change_lock_name)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            change_lock(self.change_lock_name)
            return super().delete(*args, **kwargs)
