"""The set-based statements of the reconciliation job (PostgreSQL and SQLite).

``found_sql`` fills the temporary table ``recon_found`` with every discrepancy
of one period in one statement; ``merge_*`` replace the period's results in
``reconciliation_discrepancy`` keeping the operators' workflow state;
``summary_sql`` writes collections against expectations by region and kind.
Parameters are named (``%(period)s``…) and passed by ``reconcile.py``.
"""

PAYMENT = "payers_payment"
DECLARATION = "reconciliation_declaration"
DISCREPANCY = "reconciliation_discrepancy"
EVENT = "reconciliation_discrepancyevent"
SUMMARY = "reconciliation_collectionsummary"
KIND_121 = "employer_deduction"
KIND_122 = "employee_contribution"

FOUND_COLUMNS = (
    "employer_bin", "iin", "kind", "type", "employer_id", "person_id", "region_id", "income",
    "declared", "paid", "expected", "amount", "other_period",
)

CREATE_FOUND = """
CREATE TEMP TABLE recon_found (
    employer_bin VARCHAR(12) NOT NULL, iin VARCHAR(12) NOT NULL, kind VARCHAR(30) NOT NULL,
    type VARCHAR(30) NOT NULL, employer_id BIGINT, person_id BIGINT, region_id BIGINT NOT NULL,
    income NUMERIC(14, 2), declared NUMERIC(14, 2), paid NUMERIC(14, 2),
    expected NUMERIC(14, 2), amount NUMERIC(14, 2) NOT NULL, other_period DATE
)
"""


def _num(vendor, placeholder):
    return f"CAST({placeholder} AS NUMERIC)"


def _days_apart(vendor, a, b):
    if vendor == "postgresql":
        return f"ABS({a} - {b})"
    return f"ABS(julianday({a}) - julianday({b}))"


def _terms_table(vendor):
    """The two contribution kinds with their rate and bases (one row each)."""
    rows = []
    for kind in ("121", "122"):
        rows.append(
            f"SELECT %(kind_{kind})s AS kind, {_num(vendor, f'%(rate_{kind})s')} AS rate, "
            f"{_num(vendor, f'%(min_{kind})s')} AS min_base, "
            f"{_num(vendor, f'%(max_{kind})s')} AS max_base"
        )
    return " UNION ALL ".join(rows)


def _declared_lines(vendor):
    """CTEs ``decl`` (the period's lines, person resolved now) and ``dk`` (per kind)."""
    capped = "CASE WHEN t.max_base IS NOT NULL AND d.income > t.max_base THEN t.max_base ELSE d.income END"
    base = (
        f"CASE WHEN t.min_base IS NOT NULL AND ({capped}) < t.min_base "
        f"THEN t.min_base ELSE ({capped}) END"
    )
    return f"""
decl AS (
    SELECT d.employer_bin, d.iin, d.employer_id, p.id AS person_id,
           o.region_id AS employer_region, p.region_id AS person_region,
           d.income, d.opv, d.ipn, d.osms_deduction, d.osms_contribution
    FROM {DECLARATION} d
    JOIN payers_organisation o ON o.id = d.employer_id
    LEFT JOIN payers_person p ON p.iin = d.iin
    WHERE d.period = %(period)s
),
dk AS (
    SELECT d.employer_bin, d.iin, d.employer_id, d.person_id, d.employer_region,
           d.person_region, d.income, d.opv, d.ipn, t.kind,
           CASE WHEN t.kind = '{KIND_121}' THEN d.osms_deduction ELSE d.osms_contribution END
               AS declared,
           ROUND(({base}) * t.rate, 2) AS expected
    FROM decl d CROSS JOIN ({_terms_table(vendor)}) t
    WHERE d.person_id IS NOT NULL
)"""


def found_sql(vendor):
    """One INSERT … SELECT finding every discrepancy type of the period."""
    cols = ", ".join(FOUND_COLUMNS)
    return f"""
INSERT INTO recon_found ({cols})
WITH {_declared_lines(vendor)},
paid AS (
    SELECT payer_code, iin, kind, MIN(person_id) AS person_id, SUM(amount) AS paid
    FROM {PAYMENT}
    WHERE period = %(period)s AND kind IN ('{KIND_121}', '{KIND_122}')
    GROUP BY payer_code, iin, kind
),
cmp AS (
    SELECT dk.*, COALESCE(pd.paid, 0) AS paid
    FROM dk LEFT JOIN paid pd
      ON pd.payer_code = dk.employer_bin AND pd.iin = dk.iin AND pd.kind = dk.kind
),
unpaid AS (
    SELECT * FROM cmp WHERE declared > %(tol)s AND paid <= %(tol)s
),
elsewhere AS (
    SELECT u.employer_bin, u.iin, u.kind, pp.period AS other_period,
           SUM(pp.amount) AS paid_other
    FROM unpaid u
    JOIN {PAYMENT} pp ON pp.person_id = u.person_id AND pp.payer_code = u.employer_bin
                     AND pp.kind = u.kind
    WHERE pp.period BETWEEN %(window_from)s AND %(window_to)s AND pp.period <> %(period)s
      AND NOT EXISTS (
          SELECT 1 FROM {DECLARATION} d2
          WHERE d2.employer_bin = u.employer_bin AND d2.iin = u.iin AND d2.period = pp.period)
    GROUP BY u.employer_bin, u.iin, u.kind, pp.period
),
matched AS (
    SELECT e.employer_bin, e.iin, e.kind, e.other_period, e.paid_other,
           ROW_NUMBER() OVER (
               PARTITION BY e.employer_bin, e.iin, e.kind
               ORDER BY {_days_apart(vendor, "e.other_period", "%(period)s")}, e.other_period
           ) AS rn
    FROM elsewhere e JOIN unpaid u
      ON u.employer_bin = e.employer_bin AND u.iin = e.iin AND u.kind = e.kind
    WHERE ABS(e.paid_other - u.declared) <= %(tol)s
),
undeclared AS (
    SELECT pd.* FROM paid pd
    WHERE pd.paid > %(tol)s
      AND NOT EXISTS (SELECT 1 FROM decl WHERE decl.employer_bin = pd.payer_code
                                         AND decl.iin = pd.iin)
      AND NOT EXISTS (
          SELECT 1 FROM {DECLARATION} d3
          WHERE d3.employer_bin = pd.payer_code AND d3.iin = pd.iin
            AND d3.period BETWEEN %(window_from)s AND %(window_to)s
            AND d3.period <> %(period)s
            AND ABS(CASE WHEN pd.kind = '{KIND_121}' THEN d3.osms_deduction
                         ELSE d3.osms_contribution END - pd.paid) <= %(tol)s
            AND COALESCE((SELECT SUM(p4.amount) FROM {PAYMENT} p4
                          WHERE p4.person_id = pd.person_id AND p4.payer_code = pd.payer_code
                            AND p4.kind = pd.kind AND p4.period = d3.period), 0) <= %(tol)s)
)
SELECT employer_bin, iin, '', 'unknown_iin', employer_id, CAST(NULL AS BIGINT),
       employer_region, income, osms_deduction + osms_contribution, CAST(NULL AS NUMERIC),
       CAST(NULL AS NUMERIC), osms_deduction + osms_contribution, CAST(NULL AS DATE)
FROM decl WHERE person_id IS NULL
UNION ALL
SELECT employer_bin, iin, kind, 'rate_misapplied', employer_id, person_id, employer_region,
       income, declared, NULL, expected, expected - declared, NULL
FROM dk WHERE declared > %(tol)s AND ABS(declared - expected) > %(tol)s
UNION ALL
SELECT employer_bin, iin, kind, 'cross_tax', employer_id, person_id, employer_region,
       income, declared, NULL, expected, expected - declared, NULL
FROM dk WHERE declared <= %(tol)s AND (opv > 0 OR ipn > 0) AND expected > %(tol)s
UNION ALL
SELECT employer_bin, iin, kind, 'underpaid', employer_id, person_id, employer_region,
       income, declared, paid, expected, declared - paid, NULL
FROM cmp WHERE paid > %(tol)s AND declared - paid > %(tol)s
UNION ALL
SELECT employer_bin, iin, kind, 'overpaid', employer_id, person_id, employer_region,
       income, declared, paid, expected, paid - declared, NULL
FROM cmp WHERE paid - declared > %(tol)s
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
UNION ALL
SELECT pd.payer_code, pd.iin, pd.kind, 'paid_not_declared', o.id, pd.person_id,
       COALESCE(o.region_id, p.region_id), NULL, NULL, pd.paid, NULL, pd.paid, NULL
FROM undeclared pd
JOIN payers_person p ON p.id = pd.person_id
LEFT JOIN payers_organisation o ON o.bin = pd.payer_code
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


def cleared_events_sql():
    """An event for each worked-on discrepancy that is no longer found."""
    return f"""
INSERT INTO {EVENT} (discrepancy_id, natural_key, action, old_value, new_value, note,
                     acting_user_id, run_id, at)
SELECT NULL, %(period_text)s || '/' || d.employer_bin || '/' || d.iin || '/' || d.kind
             || '/' || d.type,
       'cleared', d.status, '', d.notes, NULL, %(run)s, %(now)s
FROM {DISCREPANCY} d
WHERE d.period = %(period)s AND d.last_run_id <> %(run)s
  AND (d.status <> 'new' OR d.assignee_id IS NOT NULL OR d.notes <> '')
"""


def detach_events_sql():
    return f"""
UPDATE {EVENT} SET discrepancy_id = NULL
WHERE discrepancy_id IN (SELECT id FROM {DISCREPANCY}
                         WHERE period = %(period)s AND last_run_id <> %(run)s)
"""


def delete_cleared_sql():
    return f"DELETE FROM {DISCREPANCY} WHERE period = %(period)s AND last_run_id <> %(run)s"


def insert_new_sql():
    return f"""
INSERT INTO {DISCREPANCY} (period, employer_bin, iin, kind, type, employer_id, person_id,
    region_id, income, declared_amount, paid_amount, expected_amount, amount, other_period,
    status, assignee_id, notes, first_run_id, last_run_id, updated_at)
SELECT %(period)s, f.employer_bin, f.iin, f.kind, f.type, f.employer_id, f.person_id,
       f.region_id, f.income, f.declared, f.paid, f.expected, f.amount, f.other_period,
       'new', NULL, '', %(run)s, %(run)s, NULL
FROM recon_found f
WHERE NOT EXISTS (
    SELECT 1 FROM {DISCREPANCY} d
    WHERE d.period = %(period)s AND d.employer_bin = f.employer_bin AND d.iin = f.iin
      AND d.kind = f.kind AND d.type = f.type)
"""


def summary_sql(vendor):
    """Collections by person's region and kind, and what declarations imply (121/122)."""
    return f"""
INSERT INTO {SUMMARY} (period, region_id, payer_type, expected, declared, collected, persons,
                       run_id)
WITH {_declared_lines(vendor)},
collected AS (
    SELECT p.region_id, pay.kind, SUM(pay.amount) AS collected,
           COUNT(DISTINCT pay.person_id) AS persons
    FROM {PAYMENT} pay JOIN payers_person p ON p.id = pay.person_id
    WHERE pay.period = %(period)s
    GROUP BY p.region_id, pay.kind
),
expected AS (
    SELECT COALESCE(person_region, employer_region) AS region_id, kind,
           SUM(expected) AS expected, SUM(declared) AS declared
    FROM dk GROUP BY COALESCE(person_region, employer_region), kind
),
joined AS (
    SELECT region_id, kind, NULL AS expected, NULL AS declared, collected, persons
    FROM collected
    UNION ALL
    SELECT region_id, kind, expected, declared, 0, 0 FROM expected
)
SELECT %(period)s, region_id, kind, SUM(expected), SUM(declared), SUM(collected),
       SUM(persons), %(run)s
FROM joined GROUP BY region_id, kind
"""
