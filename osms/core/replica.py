"""Where the database work goes: the primary, or the read replica for analysts' reads.

The router of ``DATABASE_ROUTERS`` is ``osms.db_router.ReplicaRouter`` (this class; here in
core so that every app may use ``replica_reads()`` without importing upwards).

With ``DATABASE_REPLICA_URL`` set (settings: the ``replica`` alias, a streaming replica
of the primary), reads made inside ``replica_reads()`` go to the replica: background
exports (``osms.exports.services``), the dashboard's aggregates (``osms.core.dashboard``)
and reports (e.g. the uninsured report). Everything else — every write, every operator
page, every job — reads and writes the primary, so an operator always sees their own
changes. Without a replica (and on SQLite) everything uses ``default``, as before.

A replica lags by the replication delay (the health check and the dashboard show it):
what is read there is at most that old. Only pure reads belong in ``replica_reads()``: a
transaction that writes and then reads its own rows must stay on the primary.
"""

import contextvars
from contextlib import contextmanager

from django.db import connections

PRIMARY = "default"
REPLICA = "replica"

_replica_reads = contextvars.ContextVar("osms_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.databases


def analytics_alias() -> str:
    """The alias analysts' reads use: the replica when configured, else the primary."""
    return REPLICA if replica_configured() else PRIMARY


@contextmanager
def replica_reads():
    """Reads inside go to the replica (when one is configured); yields the alias."""
    token = _replica_reads.set(True)
    try:
        yield analytics_alias()
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """``DATABASE_ROUTERS``: the primary for everything but reads in ``replica_reads()``."""

    def db_for_read(self, model, **hints):
        if _replica_reads.get() and replica_configured():
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database: the replica is a copy of the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY  # the replica follows the primary's schema by replication
