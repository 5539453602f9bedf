"""Did a request change anything? One query before and after.

On PostgreSQL ``pg_stat_xact_user_tables`` counts the rows this transaction inserted,
updated and deleted per table (savepoints rolled back included), so a GET that writes is
seen even if it rewrote a row with the same values. Elsewhere: row counts of every table.
Work a view defers to ``transaction.on_commit`` (a Celery task, eager in tests) is run
inside the measurement.
"""

from contextlib import contextmanager

from django.db import connection
from django.test import TestCase

# A read writes its own audit trail only: the session, the login-lockout log, and the
# personal-data access log (osms.core.access_log: who viewed which person).
READS_MAY_WRITE = {"django_session", "axes_accessattempt", "axes_accesslog",
                   "axes_accessfailurelog", "core_personaldataaccess"}

_PG = """SELECT relname, n_tup_ins + n_tup_upd + n_tup_del + n_tup_hot_upd
         FROM pg_stat_xact_user_tables WHERE schemaname = 'public'"""


def snapshot():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG)
            return dict(cursor.fetchall())
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
        return counts


def changed(before, after):
    return sorted(t for t in set(before) | set(after)
                  if before.get(t, 0) != after.get(t, 0) and t not in READS_MAY_WRITE)


@contextmanager
def watch():
    """``with watch() as writes: …`` then ``writes`` lists the tables the block wrote."""
    writes = []
    before = snapshot()
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield writes
    writes.extend(changed(before, snapshot()))
