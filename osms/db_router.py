"""The database router of the project (``DATABASE_ROUTERS``): see ``osms.core.replica``.

Exports, dashboard aggregates and reports read on the read replica (``DATABASE_REPLICA_URL``)
inside ``osms.core.replica.replica_reads()``; every write and every operator page uses the
primary; without a replica everything uses ``default``.
"""

from osms.core.replica import ReplicaRouter

__all__ = ["ReplicaRouter"]
