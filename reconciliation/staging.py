"""A run's employer payments, read from the ledger once when the run opens.

Every chunk of a reconciliation compares its employers' declaration lines with what
those employers paid (КНП 121 deductions, 122 contributions) for the period. Read from the
ledger, each chunk scanned the whole month's partition to keep its employers' share: the
payments of one BIN range lie on almost every page of a partition filled in person order,
so a run read the month once per chunk (at 5 M persons, ten chunks × 1.45 GB). The run
now reads it once: ``stage`` copies the period's 121/122 payments (one narrow row each, the
amount in tiyn) into a table of the run's own (``paid_table``), written chunk after chunk;
each chunk reads its own pages through a block-range index and sums them by person and
payer, as it summed the ledger's rows before.

The table is ``UNLOGGED`` on PostgreSQL (written once, read by the run's chunks, dropped
when the run closes or fails: nothing to replicate or replay), so crash recovery leaves it
empty; a chunk that finds it empty although the run staged rows stages them again first
(``ensure_staged``). What is staged is exact and repeatable: the payments up to the run's
payment watermark, a settled one (``payers.ledger.settled_payment_watermark``), and posted
payments never change (a correction is a new entry with a higher id).
"""

from django.db import connection

from osms.core.locks import xact_lock

from .reconcile_sql import KINDS, PAYMENT, bin_scope, scope_params, sqlite_safe

# Payments are summed in whole tiyn: an integer sum is exact and far cheaper than NUMERIC.
TIYN = "CAST(ROUND(amount * 100) AS BIGINT)"
PREFIX = "reconciliation_paid_"


def paid_table(run):
    """The name of ``run``'s staged payments table (the run's id is an integer)."""
    return f"{PREFIX}{int(run.pk)}"


def _select(run):
    """The period's 121/122 payments up to the watermark, one row each, in tiyn (of the
    run's employers, if it lists them)."""
    scope = "" if run.employers is None else bin_scope("payer_code", bins=run.employers)
    return f"""
SELECT payer_code, person_id,
       CASE WHEN kind = '{KINDS["121"]}' THEN {TIYN} ELSE 0 END AS t121,
       CASE WHEN kind = '{KINDS["122"]}' THEN {TIYN} ELSE 0 END AS t122
FROM {PAYMENT}
WHERE period = %(period)s AND kind IN ('{KINDS["121"]}', '{KINDS["122"]}')
  AND id <= %(watermark)s{scope}"""


def _params(run):
    return sqlite_safe({"period": run.period, "watermark": run.payment_watermark,
                        **scope_params(bins=run.employers)})


def stage(run, bounds=()):
    """Create ``run``'s table of payments; returns the number of rows staged. ``bounds``:
    the first BIN of each chunk but the first (a BIN-range run): on PostgreSQL the rows are
    written chunk after chunk, and a block-range index on the payer code then gives each
    chunk its own run of pages (a chunk's rows are found by its BIN range, as on the
    lines, whatever the order)."""
    table = paid_table(run)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        if connection.vendor == "postgresql":
            # CREATE TABLE AS: one statement that PostgreSQL may read in parallel; its
            # row count is the number of rows written.
            cursor.execute(f"CREATE UNLOGGED TABLE {table} AS {_select(run)} ORDER BY "
                           "width_bucket(payer_code::text, %(bounds)s::text[])",
                           {**_params(run), "bounds": list(bounds)})
            staged = cursor.rowcount
            cursor.execute(f"CREATE INDEX {table}_payer ON {table} USING brin (payer_code) "
                           "WITH (pages_per_range = 16)")
        else:
            cursor.execute(f"CREATE TABLE {table} AS {_select(run)}", _params(run))
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            staged = cursor.fetchone()[0]
            cursor.execute(f"CREATE INDEX {table}_payer ON {table} (payer_code)")
        cursor.execute(f"ANALYZE {table}")
        return staged


def ensure_staged(run):
    """Inside a chunk's transaction: stage the run's payments again if the table lost them
    (crash recovery empties an unlogged table). One chunk does it; the others wait for it
    on the run's staging lock and then find the rows (in no particular order: the chunks
    left read more pages each, with the same result)."""
    if not run.paid_rows:
        return
    table = paid_table(run)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} LIMIT 1")
        if cursor.fetchone() is not None:
            return
        xact_lock("reconcile_staging", sub=run.pk)
        cursor.execute(f"SELECT 1 FROM {table} LIMIT 1")
        if cursor.fetchone() is not None:
            return
        cursor.execute(f"INSERT INTO {table} (payer_code, person_id, t121, t122) "
                       f"{_select(run)}", _params(run))
        cursor.execute(f"ANALYZE {table}")


def paid_rows_sql(run, scope):
    """What the chunk's payers (``scope`` on ``$.employer_bin``) paid, by person and payer."""
    return (f"SELECT person_id, payer_code, SUM(t121) AS t121, SUM(t122) AS t122 "
            f"FROM {paid_table(run)} WHERE 1 = 1{scope.replace('$.employer_bin', 'payer_code')} "
            "GROUP BY person_id, payer_code")


def drop(run):
    """The run is closed or failed: its staged payments go."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {paid_table(run)}")
