"""The payments ledger partitioned by period (PostgreSQL): conversion, partitions, archive.

``payers_payment`` is ``PARTITION BY RANGE (period)`` with one partition per month and a
default partition (months without their own). Why and how (docs/scale.md):

- a month's payments live together: period-bounded queries (imports, reconciliation, the
  arrears of a month, exports of a period) read only their months' partitions, and every
  index of a partition stays as small as a month of the ledger;
- the primary key is ``(id, period)`` and the source-row key starts with the period, as
  PostgreSQL requires of unique keys of a partitioned table. Ids still come from one
  sequence only, so an id names one payment;
- a foreign key cannot point at a partitioned table's id alone: the tables referring to
  payments (refund applications, the suspense queue) are checked by deferred constraint
  triggers that do what their foreign keys did (``payers_sql.PAYMENT_REFERRERS``), and
  payments are never deleted (the immutability trigger, cloned onto every partition);
- partitions are created ahead by the beat job ``payers.ledger_partitions_ensure``; a
  month that has rows in the default partition already gets them moved into its new
  partition in the same transaction;
- a month older than ``LEDGER_KEEP_MONTHS`` that nothing refers to may be detached and moved
  to the schema ``payers_archive`` (``manage.py ledger_partitions --detach YYYY-MM``), where
  it stays immutable, ready to be dumped and dropped.

SQLite (the demo) keeps one plain table: everything here answers without acting there.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from osms.core.locks import xact_lock
from osms.core.periods import add_months, first_of_month

from . import payers_sql as sql

# Self-payers prepay up to 12 months: a year and a month ahead exist before any payment.
PARTITIONS_AHEAD = 13
# A new ledger (conversion of an empty one) also gets the two years before today: late
# payments of past months are common.
PARTITIONS_BACK = 24


def partition_name(month: datetime.date) -> str:
    return f"{sql.PARTITION_PREFIX}{month:%Y_%m}"


def is_partitioned(cursor) -> bool:
    if connection.vendor != "postgresql":
        return False
    cursor.execute(sql.LEDGER_KIND)
    return cursor.fetchone()[0] == "p"


def _exists(cursor, name, schema="public"):
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"{schema}.{name}"])
    return cursor.fetchone()[0]


def _months_ahead(today, ahead, back=1):
    start = add_months(first_of_month(today), -back)
    return [add_months(start, n) for n in range(back + ahead + 1)]


def _create_partition(cursor, month):
    """Create and attach the partition of ``month`` (moving its rows out of the default)."""
    name, low, high = partition_name(month), month, add_months(month, 1)
    bounds = {"low": low, "high": high}
    cursor.execute(f"CREATE TABLE {name} (LIKE payers_payment INCLUDING DEFAULTS "
                   "INCLUDING CONSTRAINTS)")
    # A range check lets ATTACH skip scanning the new table.
    cursor.execute(f"ALTER TABLE {name} ADD CONSTRAINT {name}_range "
                   "CHECK (period >= %(low)s AND period < %(high)s)", bounds)
    default = sql.DEFAULT_PARTITION
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {default} "
                   "WHERE period >= %(low)s AND period < %(high)s)", bounds)
    moved = 0
    if cursor.fetchone()[0]:
        # Rows of this month came before its partition: move them, out of sight of everyone
        # (the default partition is locked until commit; the trigger is off only here).
        cursor.execute(f"LOCK TABLE {default} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"INSERT INTO {name} SELECT * FROM {default} "
                       "WHERE period >= %(low)s AND period < %(high)s", bounds)
        moved = cursor.rowcount
        cursor.execute(f"ALTER TABLE {default} DISABLE TRIGGER payers_payment_immutable")
        cursor.execute(f"DELETE FROM {default} WHERE period >= %(low)s AND period < %(high)s",
                       bounds)
        cursor.execute(f"ALTER TABLE {default} ENABLE TRIGGER payers_payment_immutable")
    cursor.execute(f"ALTER TABLE payers_payment ATTACH PARTITION {name} "
                   "FOR VALUES FROM (%(low)s) TO (%(high)s)", bounds)
    cursor.execute(f"ALTER TABLE {name} DROP CONSTRAINT {name}_range")
    return moved


def ledger_partitions_ensure(*, today=None, ahead=PARTITIONS_AHEAD, months=()) -> dict:
    """Create the partitions that do not exist yet of the month before ``today`` up to
    ``ahead`` months after it, of ``months`` and of every month found in the default
    partition (its rows move in): {"created": [names], "moved": rows}."""
    result = {"created": [], "moved": 0}
    if connection.vendor != "postgresql":
        return result
    today = today or timezone.localdate()
    wanted = sorted(set(_months_ahead(today, ahead)) | {first_of_month(m) for m in months})
    with transaction.atomic(), connection.cursor() as cursor:
        if not is_partitioned(cursor):
            return result
        xact_lock("ledger_partitions")
        # Months that landed in the default partition get their own (a skip scan).
        cursor.execute(sql.LEDGER_MONTHS.format(table=sql.DEFAULT_PARTITION))
        wanted = sorted(set(wanted) | {row[0] for row in cursor.fetchall()})
        for month in wanted:
            if not _exists(cursor, partition_name(month)):
                result["moved"] += _create_partition(cursor, month)
                result["created"].append(partition_name(month))
    return result


def ledger_partitions() -> list[dict]:
    """The ledger's partitions: name, bounds, estimated rows, bytes (empty on SQLite)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        if not is_partitioned(cursor):
            return []
        cursor.execute(sql.LEDGER_PARTITIONS)
        return [{"name": name, "bounds": bound, "rows": max(rows, 0), "bytes": size}
                for name, bound, rows, size in cursor.fetchall()]


def ledger_partition_detach(*, month, today=None) -> str:
    """Detach the partition of ``month`` and move it to the archive schema; its name there.

    Refused for a month newer than ``LEDGER_KEEP_MONTHS`` (60) before today, a month without
    its own partition, or one whose payments are referred to from outside it.
    """
    if connection.vendor != "postgresql":
        raise ValidationError("The ledger is partitioned on PostgreSQL only.")
    month = first_of_month(month)
    keep = getattr(settings, "LEDGER_KEEP_MONTHS", 60)
    newest = add_months(first_of_month(today or timezone.localdate()), -keep)
    if month >= newest:
        raise ValidationError(
            f"{month:%Y-%m} is within the last {keep} months kept online (LEDGER_KEEP_MONTHS):"
            f" only months before {newest:%Y-%m} may be archived.")
    name = partition_name(month)
    with transaction.atomic(), connection.cursor() as cursor:
        xact_lock("ledger_partitions")
        xact_lock("ledger_write")  # no posting in flight may refer to it
        if not is_partitioned(cursor) or not _exists(cursor, name):
            raise ValidationError(f"The ledger has no partition {name}.")
        cursor.execute(sql.PARTITION_REFERRED.format(partition=name),
                       {"low": month, "high": add_months(month, 1) - datetime.timedelta(1)})
        if cursor.fetchone()[0]:
            raise ValidationError(f"Payments of {month:%Y-%m} are referred to by refunds, "
                                  "the suspense queue or reversing entries of other months.")
        cursor.execute(f"ALTER TABLE payers_payment DETACH PARTITION {name}")
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {sql.ARCHIVE_SCHEMA}")
        cursor.execute(f"ALTER TABLE {name} SET SCHEMA {sql.ARCHIVE_SCHEMA}")
        # Detaching drops the cloned row trigger: the archive stays immutable too.
        cursor.execute(f"CREATE TRIGGER payers_payment_immutable BEFORE UPDATE OR DELETE ON "
                       f"{sql.ARCHIVE_SCHEMA}.{name} FOR EACH ROW "
                       "EXECUTE FUNCTION payers_payment_immutable()")
    return f"{sql.ARCHIVE_SCHEMA}.{name}"


# --- Conversion (payers migration 0009 and its reverse) ----------------------------------

def _rename_old(cursor, suffix):
    old = f"payers_payment_{suffix}"
    cursor.execute("SELECT pg_get_serial_sequence('payers_payment', 'id')")
    sequence = cursor.fetchone()[0]
    cursor.execute(f"ALTER TABLE payers_payment RENAME TO {old}")
    cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {old}_id_seq")
    cursor.execute(f"SELECT last_value, is_called FROM {old}_id_seq")
    return old, cursor.fetchone()


def _referrer_triggers(cursor, create):
    if create:
        cursor.execute(sql.REFERRER_FUNCTION)
    for table, column in sql.PAYMENT_REFERRERS:
        cursor.execute(sql.REFERRER_DROP.format(table=table, column=column))
        if create:
            cursor.execute(sql.REFERRER_TRIGGER.format(table=table, column=column))
    if not create:
        cursor.execute("DROP FUNCTION IF EXISTS payers_payment_referred()")


def _finish(cursor, old, sequence_state, *, pk):
    """Copy the rows, drop the old table, then keys, indexes, triggers, statistics."""
    cursor.execute(f"INSERT INTO payers_payment SELECT * FROM {old}")
    cursor.execute(f"DROP TABLE {old} CASCADE")
    last_value, is_called = sequence_state
    cursor.execute("SELECT setval(pg_get_serial_sequence('payers_payment', 'id'), %s, %s)",
                   [last_value, is_called])
    for statement in sql.LEDGER_KEYS:
        cursor.execute(statement.format(pk=pk))
    for statement in sql.LEDGER_TRIGGERS:
        cursor.execute(statement)
    cursor.execute("ANALYZE payers_payment")


def ledger_to_partitioned(cursor, *, today=None):
    """Convert a plain ``payers_payment`` (with its rows) into the partitioned ledger."""
    if connection.vendor != "postgresql" or is_partitioned(cursor):
        return
    cursor.execute("LOCK TABLE payers_payment IN ACCESS EXCLUSIVE MODE")
    old, sequence_state = _rename_old(cursor, "unpartitioned")
    cursor.execute(f"CREATE TABLE payers_payment (LIKE {old} INCLUDING CONSTRAINTS) "
                   "PARTITION BY RANGE (period)")
    cursor.execute("CREATE SEQUENCE payers_payment_id_seq OWNED BY payers_payment.id")
    cursor.execute("ALTER TABLE payers_payment ALTER COLUMN id "
                   "SET DEFAULT nextval('payers_payment_id_seq')")
    cursor.execute(f"CREATE TABLE {sql.DEFAULT_PARTITION} PARTITION OF payers_payment DEFAULT")
    cursor.execute(sql.LEDGER_MONTHS.format(table=old))
    months = {row[0] for row in cursor.fetchall()}
    months |= set(_months_ahead(today or timezone.localdate(), PARTITIONS_AHEAD,
                                PARTITIONS_BACK))
    for month in sorted(months):
        cursor.execute(f"CREATE TABLE {partition_name(month)} PARTITION OF payers_payment "
                       "FOR VALUES FROM (%s) TO (%s)", [month, add_months(month, 1)])
    _finish(cursor, old, sequence_state, pk="id, period")
    _referrer_triggers(cursor, create=True)


def ledger_to_plain(cursor):
    """The reverse: one plain table with an identity id (detached archives stay archived)."""
    if connection.vendor != "postgresql" or not is_partitioned(cursor):
        return
    cursor.execute("LOCK TABLE payers_payment IN ACCESS EXCLUSIVE MODE")
    _referrer_triggers(cursor, create=False)
    old, sequence_state = _rename_old(cursor, "partitioned")
    cursor.execute(f"CREATE TABLE payers_payment (LIKE {old} INCLUDING CONSTRAINTS)")
    cursor.execute("ALTER TABLE payers_payment ALTER COLUMN id "
                   "ADD GENERATED BY DEFAULT AS IDENTITY")
    _finish(cursor, old, sequence_state, pk="id")
