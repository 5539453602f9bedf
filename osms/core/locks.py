"""Every PostgreSQL advisory lock of the project, named in one place.

An advisory lock serialises work that row locks cannot: two runs of the same nightly
job, a job reading "everything committed before this moment" while writers are in flight
(``osms.core.changes``, ``payers.ledger``), two imports of one month. Keys are stable
numbers (a migration's trigger may refer to one); new locks take the next free number.
On SQLite (the demo) there is one writer at a time, so every function here is a no-op.
"""

from contextlib import contextmanager

from django.db import connection, transaction

LOCKS = {
    # name: (key, what it serialises)
    "registry": (0x05C0_4E61, "writers of payers.Person vs. the status run's settled moment"),
    "memberships": (0x05C0_4E62, "writers of category memberships vs. the settled moment"),
    "ledger_write": (0x05C0_1ED6, "writers of the payments ledger (shared) vs. its watermark"),
    "coverage_run": (0x05C0_0E12, "opening a status recomputation run"),
    "payment_import": (0x05C0_1ED7, "two payment imports posting at once"),
    "arrears": (0x05C0_1ED8, "two rebuilds of the arrears table"),
    "reconcile_period": (0x05C0_2EC0, "two reconciliations of one period (sub-key yyyymm)"),
    "reconcile_staging": (0x05C0_2EC2, "chunks restaging a run's payments (sub-key run id)"),
    "category_feed": (0x05C0_4E63, "two category feed imports"),
    "declaration_import": (0x05C0_2EC1, "two declaration imports"),
    "tariff_import": (0x05C0_7A21, "two tariff imports"),
    "registry_import": (0x05C0_4E64, "two registry (persons, organisations) file imports"),
    "ledger_partitions": (0x05C0_1ED9, "creating, converting or detaching ledger partitions"),
    "case_import": (0x05C0_CA5E, "two case imports (monitoring) posting at once"),
    "case_control": (0x05C0_CA5F, "a case control run vs. imports and other runs of a month"),
}


def lock_key(name):
    return LOCKS[name][0]


def _sql(shared, try_only, two_keys):
    fn = "pg_try_advisory_xact_lock" if try_only else "pg_advisory_xact_lock"
    if shared:
        fn += "_shared"
    return f"SELECT {fn}(%s, %s)" if two_keys else f"SELECT {fn}(%s)"


def _params(name, sub):
    key = lock_key(name)
    # The two-int form has its own key space: (the lock's key, a sub-key such as yyyymm).
    return [key & 0x7FFF_FFFF, int(sub)] if sub is not None else [key]


def xact_lock(name, *, sub=None, shared=False, using=None):
    """Hold the lock until the current transaction ends (call inside ``atomic``)."""
    conn = connection if using is None else transaction.get_connection(using)
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        cursor.execute(_sql(shared, False, sub is not None), _params(name, sub))


def try_xact_lock(name, *, sub=None, shared=False, using=None):
    """Take the lock if free (True) or answer False at once; held until the transaction ends."""
    conn = connection if using is None else transaction.get_connection(using)
    if conn.vendor != "postgresql":
        return True
    with conn.cursor() as cursor:
        cursor.execute(_sql(shared, True, sub is not None), _params(name, sub))
        return bool(cursor.fetchone()[0])


@contextmanager
def locked(name, *, sub=None, shared=False):
    """A transaction holding the lock: ``with locked("arrears"): ...``."""
    with transaction.atomic():
        xact_lock(name, sub=sub, shared=shared)
        yield
