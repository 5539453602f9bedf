"""The set-based statements of the reconciliation job (PostgreSQL and SQLite).

Narrow temporary tables, each filled by one statement over a chunk's employers:

1. ``recon_cmp``: one row per declaration line — declared, paid and expected
   (the rate schedule's rate and cap applied to the declared income), both kinds
   side by side — and one per (person, payer) paid for without a line (a full
   join of the period's lines with its 121/122 payments, copied once per run by
   ``staging`` and summed by each chunk for its employers);
2. (the lines' persons are refreshed first, for persons registered since);
3. ``recon_odd``: the few (line, kind) rows where something differs beyond the
   tolerance, one row per kind — every later step works on this small set;
4. ``recon_undeclared``: payments of the period for which nothing was declared;
5. ``recon_found``: every discrepancy, typed, with its amounts.

``merge_*`` then replace the period's results in ``reconciliation_discrepancy``
keeping the operators' workflow state; ``summary_sql`` rewrites the period's
collections by region and payer type. Parameters are named (``%(period)s``…).

SQL rather than the ORM because one period compares millions of declaration lines with
millions of payments: a full join and a few aggregates in the database, instead of
loading both sides into Python. This is reconciliation's module of hand-written SQL (with
``staging``, the run's payments table; the declaration importer's statements are in
``importer/loading.py``); tables are named from their models.
"""

import datetime

from django.db import connection

from payers.models import Organisation, Payment, Person

from .models import (
    CollectionPart,
    CollectionSummary,
    Declaration,
    Discrepancy,
    DiscrepancyEvent,
    FoundLine,
    ReconciliationRun,
)

PAYMENT = Payment._meta.db_table
PERSON = Person._meta.db_table
ORGANISATION = Organisation._meta.db_table
DECLARATION = Declaration._meta.db_table
DISCREPANCY = Discrepancy._meta.db_table
EVENT = DiscrepancyEvent._meta.db_table
SUMMARY = CollectionSummary._meta.db_table
PARTS = CollectionPart._meta.db_table
FOUND_LINES = FoundLine._meta.db_table
KINDS = {"121": "employer_deduction", "122": "employee_contribution"}
TEMP_TABLES = ("recon_found", "recon_undeclared", "recon_odd", "recon_cmp")
# The job's temporary tables dropped before and after a run (a failed run leaves none).
DROP_TEMP_TABLES = tuple(f"DROP TABLE IF EXISTS {table}" for table in TEMP_TABLES)
# Memory for the job's hash joins and aggregates (one period, one transaction).
WORK_MEM = "SET LOCAL work_mem = '256MB'"
# No JIT compilation: the statements are planned once per chunk, and compiling the found
# statement's plan (its cost is over the optimisation threshold once the window's tests
# are probes) took 9.7 s of a 10.8 s statement.
NO_JIT = "SET LOCAL jit = off"
# The planner learns the size of the small tables just written (PostgreSQL).
ANALYZE_CMP = "ANALYZE recon_cmp"
ANALYZE_ODD = "ANALYZE recon_odd; ANALYZE recon_undeclared"
# What the run found, by type (the run record's counts).
FOUND_BY_TYPE = "SELECT type, COUNT(*) FROM recon_found GROUP BY type"
# The declaration lines of the period (the run record).
DECLARATION_LINES = "SELECT COUNT(*) FROM recon_cmp WHERE declared_line = 1"

FOUND_COLUMNS = (
    "employer_bin", "iin", "kind", "type", "employer_id", "person_id", "region_id", "income",
    "declared", "paid", "expected", "amount", "other_period",
)

# Every discrepancy of the period, typed, with its amounts (filled by ``found_sql``).
CREATE_FOUND = """
CREATE TEMP TABLE recon_found (
    employer_bin VARCHAR(12) NOT NULL, iin VARCHAR(12) NOT NULL, kind VARCHAR(30) NOT NULL,
    type VARCHAR(30) NOT NULL, employer_id BIGINT, person_id BIGINT, region_id BIGINT NOT NULL,
    income NUMERIC(14, 2), declared NUMERIC(14, 2), paid NUMERIC(14, 2),
    expected NUMERIC(14, 2), amount NUMERIC(14, 2) NOT NULL, other_period DATE
)
"""


def _expected(code, terms):
    """round(base × rate, 2) with the base clamped as the calculator does."""
    base = "d.income"
    if terms.max_base is not None:
        base = f"CASE WHEN {base} > %(max_{code})s THEN %(max_{code})s ELSE {base} END"
    if terms.min_base is not None:
        base = f"CASE WHEN ({base}) < %(min_{code})s THEN %(min_{code})s ELSE ({base}) END"
    return f"ROUND(({base}) * %(rate_{code})s, 2)"


def sqlite_safe(params):
    """Dates bound as ISO text on SQLite (it compares a bound date with stored text)."""
    if connection.vendor == "postgresql":
        return params
    return {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in params.items()}


def bin_scope(column, *, lo="", hi="", bins=None):
    """The predicate (``AND …``) that keeps a chunk's employers: a BIN in [lo, hi) (an empty
    end is open) or one of ``bins`` (parameters ``%(lo)s``, ``%(hi)s``, ``%(bin_N)s``)."""
    if bins is not None:
        names = ", ".join(f"%(bin_{n})s" for n in range(len(bins))) or "NULL"
        return f" AND {column} IN ({names})"
    scope = ""
    if lo:
        scope += f" AND {column} >= %(lo)s"
    if hi:
        scope += f" AND {column} < %(hi)s"
    return scope


def scope_params(*, lo="", hi="", bins=None):
    params = {"lo": lo, "hi": hi}
    params.update({f"bin_{n}": value for n, value in enumerate(bins or ())})
    return params


def chunk_bounds_sql():
    """The first BIN of each piece of about ``%(size)s`` declaration lines of the period, the
    first piece's excluded (cumulative line counts over the BINs in order: one index scan)."""
    return f"""
SELECT MIN(bin) FROM (
    SELECT employer_bin AS bin,
           (CAST(SUM(n) OVER (ORDER BY employer_bin) AS BIGINT) - n) / %(size)s AS piece
    FROM (SELECT employer_bin, COUNT(*) AS n FROM {DECLARATION}
          WHERE period = %(period)s GROUP BY employer_bin) per
) cut
GROUP BY piece HAVING piece > 0 ORDER BY 1
"""


def refresh_persons_sql(scope=""):
    """Lines loaded before their person was registered get the person now."""
    return f"""
UPDATE {DECLARATION} SET person_id = (
    SELECT p.id FROM {PERSON} p WHERE p.iin = {DECLARATION}.iin)
WHERE period = %(period)s AND person_id IS NULL{scope.replace("$", DECLARATION)}
  AND EXISTS (SELECT 1 FROM {PERSON} p WHERE p.iin = {DECLARATION}.iin)
"""


def cmp_sql(terms, paid, scope=None):
    """One row per declaration line and per (person, payer) paid for without a line;
    ``paid``: the chunk's rows of the run's staged payments (``staging.paid_rows_sql``)."""
    return f"""
CREATE TEMP TABLE recon_cmp AS
SELECT COALESCE(d.employer_bin, pd.payer_code) AS employer_bin, d.iin,
       d.employer_id, COALESCE(d.person_id, pd.person_id) AS person_id,
       CASE WHEN d.employer_bin IS NULL THEN 0 ELSE 1 END AS declared_line,
       d.employer_region, d.income, d.other_tax, d.d121, d.d122, d.e121, d.e122,
       COALESCE(pd.t121, 0) / 100.0 AS p121, COALESCE(pd.t122, 0) / 100.0 AS p122
FROM (
    SELECT d.employer_bin, d.iin, d.employer_id, d.person_id, o.region_id AS employer_region,
           d.income, CASE WHEN d.opv > 0 OR d.ipn > 0 THEN 1 ELSE 0 END AS other_tax,
           d.osms_deduction AS d121, d.osms_contribution AS d122,
           {_expected("121", terms[KINDS["121"]])} AS e121,
           {_expected("122", terms[KINDS["122"]])} AS e122
    FROM {DECLARATION} d JOIN {ORGANISATION} o ON o.id = d.employer_id
    WHERE d.period = %(period)s{(scope or "").replace("$", "d")}
) d
FULL OUTER JOIN ({paid}) pd ON pd.person_id = d.person_id AND pd.payer_code = d.employer_bin
"""


def _odd_branch(code):
    d, e, p = f"c.d{code}", f"c.e{code}", f"c.p{code}"
    return f"""
SELECT c.employer_bin, c.iin, c.employer_id, c.person_id, c.employer_region, c.income,
       c.other_tax, '{KINDS[code]}' AS kind, {d} AS declared, {e} AS expected, {p} AS paid
FROM recon_cmp c
WHERE c.declared_line = 1 AND c.person_id IS NOT NULL
  AND (ABS({d} - {p}) > %(tol)s
       OR ({d} > %(tol)s AND ABS({d} - {e}) > %(tol)s)
       OR ({d} <= %(tol)s AND c.other_tax = 1 AND {e} > %(tol)s))"""


def odd_sql():
    """The (line, kind) rows where declared, paid or expected differ beyond the tolerance."""
    return f"CREATE TEMP TABLE recon_odd AS {_odd_branch('121')} UNION ALL {_odd_branch('122')}"


def undeclared_sql():
    """The period's payments for which no line was declared, with the payer's region."""
    return f"""
CREATE TEMP TABLE recon_undeclared AS
SELECT c.person_id, p.iin, p.region_id AS person_region, c.employer_bin AS payer_code,
       o.id AS employer_id, o.region_id AS employer_region, c.p121, c.p122
FROM recon_cmp c
JOIN {PERSON} p ON p.id = c.person_id
LEFT JOIN {ORGANISATION} o ON o.bin = c.employer_bin
WHERE c.declared_line = 0
"""


def _days_apart(vendor, a, b):
    if vendor == "postgresql":
        return f"ABS({a} - {b})"
    return f"ABS(julianday({a}) - julianday({b}))"


def _undeclared_branch(code, vendor):
    """Payments of the period with no line, unless the employer declared that amount for
    another month of the window and paid nothing for it there. ``OFFSET 0`` (PostgreSQL;
    SQLite has no OFFSET without LIMIT) keeps the test a probe of the lines' natural key per
    payment: as an anti-join the planner, expecting almost no lines outside the period, read
    every line of the table once per chunk."""
    fence = "OFFSET 0" if vendor == "postgresql" else ""
    amount = f"u.p{code}"
    declared = "d3.osms_deduction" if code == "121" else "d3.osms_contribution"
    return f"""
SELECT u.payer_code, u.iin, '{KINDS[code]}', 'paid_not_declared', u.employer_id, u.person_id,
       COALESCE(u.employer_region, u.person_region), NULL, NULL, {amount}, NULL, {amount}, NULL
FROM recon_undeclared u
WHERE {amount} > %(tol)s
  AND NOT EXISTS (
      SELECT 1 FROM {DECLARATION} d3
      WHERE d3.employer_bin = u.payer_code AND d3.iin = u.iin
        AND d3.period BETWEEN %(window_from)s AND %(window_to)s AND d3.period <> %(period)s
        AND ABS({declared} - {amount}) <= %(tol)s
        AND COALESCE((SELECT SUM(p4.amount) FROM {PAYMENT} p4
                      WHERE p4.person_id = u.person_id AND p4.payer_code = u.payer_code
                        AND p4.kind = '{KINDS[code]}' AND p4.period = d3.period), 0) <= %(tol)s
      {fence})"""


def found_sql(vendor):
    """Every discrepancy of the period from the temporary tables, in one INSERT."""
    cols = ", ".join(FOUND_COLUMNS)
    return f"""
INSERT INTO recon_found ({cols})
WITH unpaid AS (
    SELECT * FROM recon_odd
    WHERE declared > %(tol)s AND paid <= %(tol)s AND declared - paid > %(tol)s
),
elsewhere AS (
    SELECT u.employer_bin, u.iin, u.kind, u.declared, pp.period AS other_period,
           SUM(pp.amount) AS paid_other
    FROM unpaid u
    JOIN {PAYMENT} pp ON pp.person_id = u.person_id AND pp.payer_code = u.employer_bin
                     AND pp.kind = u.kind
    WHERE pp.period BETWEEN %(window_from)s AND %(window_to)s AND pp.period <> %(period)s
      AND NOT EXISTS (
          SELECT 1 FROM {DECLARATION} d2
          WHERE d2.employer_bin = u.employer_bin AND d2.iin = u.iin AND d2.period = pp.period)
    GROUP BY u.employer_bin, u.iin, u.kind, u.declared, pp.period
),
matched AS (
    SELECT e.employer_bin, e.iin, e.kind, e.other_period, e.paid_other,
           ROW_NUMBER() OVER (
               PARTITION BY e.employer_bin, e.iin, e.kind
               ORDER BY {_days_apart(vendor, "e.other_period", "%(period)s")}, e.other_period
           ) AS rn
    FROM elsewhere e
    WHERE ABS(e.paid_other - e.declared) <= %(tol)s
)
SELECT employer_bin, iin, '', 'unknown_iin', employer_id, CAST(NULL AS BIGINT),
       employer_region, income, d121 + d122, CAST(NULL AS NUMERIC), CAST(NULL AS NUMERIC),
       d121 + d122, CAST(NULL AS DATE)
FROM recon_cmp WHERE declared_line = 1 AND person_id IS NULL
UNION ALL
SELECT employer_bin, iin, kind, 'rate_misapplied', employer_id, person_id, employer_region,
       income, declared, NULL, expected, expected - declared, NULL
FROM recon_odd WHERE declared > %(tol)s AND ABS(declared - expected) > %(tol)s
UNION ALL
SELECT employer_bin, iin, kind, 'cross_tax', employer_id, person_id, employer_region,
       income, declared, NULL, expected, expected - declared, NULL
FROM recon_odd WHERE declared <= %(tol)s AND other_tax = 1 AND expected > %(tol)s
UNION ALL
SELECT employer_bin, iin, kind, 'underpaid', employer_id, person_id, employer_region,
       income, declared, paid, expected, declared - paid, NULL
FROM recon_odd WHERE paid > %(tol)s AND declared - paid > %(tol)s
UNION ALL
SELECT employer_bin, iin, kind, 'overpaid', employer_id, person_id, employer_region,
       income, declared, paid, expected, paid - declared, NULL
FROM recon_odd WHERE paid - declared > %(tol)s
UNION ALL
SELECT u.employer_bin, u.iin, u.kind, 'declared_not_paid', u.employer_id, u.person_id,
       u.employer_region, u.income, u.declared, u.paid, u.expected, u.declared - u.paid, NULL
FROM unpaid u
WHERE NOT EXISTS (SELECT 1 FROM matched m WHERE m.employer_bin = u.employer_bin
                  AND m.iin = u.iin AND m.kind = u.kind)
UNION ALL
SELECT u.employer_bin, u.iin, u.kind, 'paid_other_period', u.employer_id, u.person_id,
       u.employer_region, u.income, u.declared, m.paid_other, u.expected, m.paid_other,
       m.other_period
FROM unpaid u JOIN matched m
  ON m.employer_bin = u.employer_bin AND m.iin = u.iin AND m.kind = u.kind AND m.rn = 1
UNION ALL {_undeclared_branch("121", vendor)}
UNION ALL {_undeclared_branch("122", vendor)}
"""


def merge_update_sql():
    """Refresh the amounts of discrepancies found again (workflow state untouched)."""
    return f"""
UPDATE {DISCREPANCY} SET
    employer_id = f.employer_id, person_id = f.person_id, region_id = f.region_id,
    income = f.income, declared_amount = f.declared, paid_amount = f.paid,
    expected_amount = f.expected, amount = f.amount, other_period = f.other_period,
    last_run_id = %(run)s
FROM recon_found f
WHERE {DISCREPANCY}.period = %(period)s AND {DISCREPANCY}.employer_bin = f.employer_bin
  AND {DISCREPANCY}.iin = f.iin AND {DISCREPANCY}.kind = f.kind
  AND {DISCREPANCY}.type = f.type
"""


def cleared_events_sql(scope=""):
    """An event for each worked-on discrepancy that is no longer found (of the run's
    employers: ``scope`` on ``$.employer_bin``)."""
    return f"""
INSERT INTO {EVENT} (discrepancy_id, natural_key, action, old_value, new_value, note,
                     acting_user_id, run_id, at)
SELECT NULL, %(period_text)s || '/' || d.employer_bin || '/' || d.iin || '/' || d.kind
             || '/' || d.type,
       'cleared', d.status, '', d.notes, NULL, %(run)s, %(now)s
FROM {DISCREPANCY} d
WHERE d.period = %(period)s AND d.last_run_id <> %(run)s{scope.replace("$", "d")}
  AND (d.status <> 'new' OR d.assignee_id IS NOT NULL OR d.notes <> '')
"""


def detach_events_sql(scope=""):
    """The events of discrepancies no longer found keep their trace without the row."""
    return f"""
UPDATE {EVENT} SET discrepancy_id = NULL
WHERE discrepancy_id IN (SELECT id FROM {DISCREPANCY} d
                         WHERE period = %(period)s AND last_run_id <> %(run)s
                         {scope.replace("$", "d")})
"""


def delete_cleared_sql(scope=""):
    """Discrepancies of the period (of the run's employers) not found by this run go."""
    return (f"DELETE FROM {DISCREPANCY} WHERE period = %(period)s AND last_run_id <> %(run)s"
            f"{scope.replace('$.', '')}")


def insert_new_sql():
    """Discrepancies found for the first time, as ``new``: those found again were refreshed
    by ``merge_update_sql`` and are skipped by their natural key. ``ON CONFLICT`` rather than
    ``NOT EXISTS``: on a month's first run the table is empty, and the planner's anti-join
    then scanned the table this statement was filling, once per row (quadratic: more than
    8 minutes for 276 000 discrepancies at 5 M persons). In key order: the natural key's
    index (and the employer's) grow at their right edge, and an employer's worklist rows lie
    together."""
    return f"""
INSERT INTO {DISCREPANCY} (period, employer_bin, iin, kind, type, employer_id, person_id,
    region_id, income, declared_amount, paid_amount, expected_amount, amount, other_period,
    status, assignee_id, notes, first_run_id, last_run_id, updated_at)
SELECT %(period)s, f.employer_bin, f.iin, f.kind, f.type, f.employer_id, f.person_id,
       f.region_id, f.income, f.declared, f.paid, f.expected, f.amount, f.other_period,
       'new', NULL, '', %(run)s, %(run)s, NULL
FROM recon_found f
WHERE true
ORDER BY f.employer_bin, f.iin, f.kind, f.type
ON CONFLICT (period, employer_bin, iin, kind, type) DO NOTHING
"""


def parts_sql():
    """A chunk's employers' shares of the collections by region and payer type.

    Region is the payer's: the employer's for deductions and contributions (the
    person's when the payer is not a registered organisation). Expected and declared come
    from the lines, collected from the payments; ``persons`` counts persons paid for,
    once per payer. Summed over all employers they are the period's 121/122 collections.
    """
    declared = " UNION ALL ".join(
        f"""SELECT employer_bin, employer_region AS region_id, '{KINDS[code]}' AS kind,
                   e{code} AS expected, d{code} AS declared, p{code} AS collected,
                   CASE WHEN p{code} <> 0 THEN 1 ELSE 0 END AS persons
            FROM recon_cmp WHERE declared_line = 1 AND person_id IS NOT NULL
            UNION ALL
            SELECT payer_code, COALESCE(employer_region, person_region), '{KINDS[code]}',
                   NULL, NULL, p{code}, CASE WHEN p{code} <> 0 THEN 1 ELSE 0 END
            FROM recon_undeclared"""
        for code in ("121", "122")
    )
    return f"""
INSERT INTO {PARTS} (period, employer_bin, region_id, payer_type, expected, declared,
                     collected, persons, run_id)
SELECT %(period)s, employer_bin, region_id, kind, SUM(expected), SUM(declared),
       SUM(collected), SUM(persons), %(run)s
FROM ({declared}) joined
GROUP BY employer_bin, region_id, kind
"""


def other_parts_sql():
    """The other payer types' collections by the person's region (empty BIN): a full run."""
    return f"""
INSERT INTO {PARTS} (period, employer_bin, region_id, payer_type, expected, declared,
                     collected, persons, run_id)
SELECT %(period)s, '', p.region_id, per_person.kind, NULL, NULL, SUM(per_person.amount),
       SUM(CASE WHEN per_person.amount <> 0 THEN 1 ELSE 0 END), %(run)s
FROM (SELECT person_id, kind, SUM(amount) AS amount FROM {PAYMENT}
      WHERE period = %(period)s AND kind NOT IN ('{KINDS["121"]}', '{KINDS["122"]}')
            AND id <= %(watermark)s
      GROUP BY person_id, kind) per_person
JOIN {PERSON} p ON p.id = per_person.person_id
GROUP BY p.region_id, per_person.kind
"""


def delete_replaced_parts_sql(scope=""):
    """The parts this run replaces: every part of the period (a full run) or the 121/122
    parts of its employers (``scope``)."""
    kinds = f" AND payer_type IN ('{KINDS['121']}', '{KINDS['122']}')" if scope else ""
    return (f"DELETE FROM {PARTS} WHERE period = %(period)s AND run_id <> %(run)s"
            f"{scope.replace('$.', '')}{kinds}")


def delete_summary_sql():
    """The period's collections are rewritten by ``summary_sql``."""
    return f"DELETE FROM {SUMMARY} WHERE period = %(period)s"


def summary_sql():
    """Collections against expectations by region and payer type: the sum of the parts."""
    return f"""
INSERT INTO {SUMMARY} (period, region_id, payer_type, expected, declared, collected, persons,
                       run_id)
SELECT %(period)s, region_id, payer_type, SUM(expected), SUM(declared), SUM(collected),
       SUM(persons), %(run)s
FROM {PARTS} WHERE period = %(period)s
GROUP BY region_id, payer_type
"""


def persons_paid_sql():
    """The persons paid for by deductions and contributions, by the run's employers."""
    return (f"SELECT COALESCE(SUM(persons), 0) FROM {PARTS} "
            f"WHERE run_id = %(run)s AND payer_type IN ('{KINDS['121']}', '{KINDS['122']}')")


def run_status_sql(vendor):
    """A chunk reads its run's status under a key-share lock (PostgreSQL): a run that
    supersedes this one (``FOR UPDATE`` on it) waits until the chunk has committed."""
    lock = " FOR KEY SHARE" if vendor == "postgresql" else ""
    return f"SELECT status FROM {ReconciliationRun._meta.db_table} WHERE id = %s{lock}"


def stage_found_sql():
    """A chunk's discrepancies, kept under its run and chunk until the run closes."""
    cols = ", ".join(FOUND_COLUMNS)
    return (f"INSERT INTO {FOUND_LINES} (run_id, chunk_id, {cols}) "
            f"SELECT %(run)s, %(chunk)s, {cols} FROM recon_found")


def unstage_found_sql():
    """Every discrepancy the run's chunks found, back in ``recon_found`` (at its close)."""
    cols = ", ".join(FOUND_COLUMNS)
    return f"INSERT INTO recon_found ({cols}) SELECT {cols} FROM {FOUND_LINES} WHERE run_id = %(run)s"


def drop_staged_sql():
    """A closed (or superseded) run's staged discrepancies."""
    return f"DELETE FROM {FOUND_LINES} WHERE run_id = %(run)s"


def drop_chunk_staged_sql():
    """A chunk's staged discrepancies (none: a chunk that died rolled back; a guard)."""
    return f"DELETE FROM {FOUND_LINES} WHERE run_id = %(run)s AND chunk_id = %(chunk)s"
