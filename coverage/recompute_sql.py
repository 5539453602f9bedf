"""The status decision of ``coverage.rules`` as one PostgreSQL statement per chunk.

Every step mirrors a step of ``rules.decide``; month arithmetic uses month
indexes (year × 12 + month − 1) as the rules module does. ``{touched}`` is
empty for a full run, or restricts the chunk to the persons an incremental
run must look at.
"""

MONTH_INDEX = "(EXTRACT(YEAR FROM {d})::int * 12 + EXTRACT(MONTH FROM {d})::int - 1)"
MONTH_START = "make_date((({i}) / 12)::int, (({i}) %% 12 + 1)::int, 1)"
MONTH_END = "(make_date((({i}) / 12)::int, (({i}) %% 12 + 1)::int, 1) + interval '1 month - 1 day')::date"

TOUCHED = """
    AND p.id IN (
        SELECT x.person_id FROM payers_payment x
        WHERE x.id > %(prev_payment_wm)s AND x.id <= %(payment_wm)s
          AND x.person_id >= %(lo)s AND x.person_id < %(hi)s
        UNION
        SELECT m.person_id FROM coverage_categorymembership m
        WHERE m.changed_at > %(since)s AND m.person_id >= %(lo)s AND m.person_id < %(hi)s
        UNION
        SELECT m.person_id FROM coverage_categorymembership m
        WHERE m.starts_on > %(prev_on)s AND m.starts_on <= %(on)s
          AND m.person_id >= %(lo)s AND m.person_id < %(hi)s
        UNION
        SELECT s.person_id FROM coverage_coveragestatus s
        WHERE s.recheck_on <= %(on)s AND s.person_id >= %(lo)s AND s.person_id < %(hi)s
        UNION
        SELECT q.id FROM payers_person q
        WHERE q.id >= %(lo)s AND q.id < %(hi)s
          AND (q.id > %(prev_person_wm)s OR q.updated_at > %(since)s)
    )"""

DECIDE = """
CREATE TEMP TABLE coverage_new ON COMMIT DROP AS
WITH persons AS (
    SELECT p.id, p.birth_date, p.citizenship, p.death_date
    FROM payers_person p
    WHERE p.id >= %(lo)s AND p.id < %(hi)s {touched}
),
rights AS (
    SELECT DISTINCT ON (r.citizenship) r.citizenship, r.categories_apply, r.payments_apply
    FROM coverage_residencyrule r
    WHERE r.valid_from <= %(on)s AND (r.valid_to IS NULL OR r.valid_to >= %(on)s)
    ORDER BY r.citizenship, r.valid_from DESC
),
terms AS (
    SELECT DISTINCT ON (t.category_id) t.category_id, c.code, c.age_limit_years, t.payer,
           t.valid_to
    FROM coverage_categoryterm t JOIN coverage_benefitcategory c ON c.id = t.category_id
    WHERE t.valid_from <= %(on)s AND (t.valid_to IS NULL OR t.valid_to >= %(on)s)
    ORDER BY t.category_id, t.valid_from DESC
),
candidates AS (
    SELECT m.person_id, tm.code, tm.payer, LEAST(m.ends_on, tm.valid_to) AS until
    FROM coverage_categorymembership m
    JOIN persons p ON p.id = m.person_id
    JOIN terms tm ON tm.category_id = m.category_id
    WHERE m.starts_on <= %(on)s AND (m.ends_on IS NULL OR m.ends_on >= %(on)s)
    UNION ALL
    SELECT p.id, tm.code, tm.payer,
           LEAST((p.birth_date + make_interval(years => tm.age_limit_years))::date - 1,
                 tm.valid_to)
    FROM persons p JOIN terms tm ON tm.age_limit_years IS NOT NULL
    WHERE (p.birth_date + make_interval(years => tm.age_limit_years))::date > %(on)s
),
best AS (
    SELECT DISTINCT ON (person_id) person_id, code, payer, until
    FROM candidates
    ORDER BY person_id, (payer = 'republican') DESC, (until IS NULL) DESC, until DESC, code
),
paid AS (
    SELECT pm.person_id, {pay_month} AS mi, pm.first_paid_on
    FROM coverage_paidmonth pm {pay_join}
    WHERE pm.person_id >= %(lo)s AND pm.person_id < %(hi)s
      AND pm.period >= %(low_date)s AND pm.period <= %(high_date)s AND pm.amount > 0
),
pa AS (
    SELECT person_id,
           MIN(mi) FILTER (WHERE mi >= %(ws)s) AS first_mi,
           COUNT(*) FILTER (WHERE mi >= %(ws)s) AS n_window,
           MAX(mi) FILTER (WHERE mi <= %(cur)s) AS last_mi,
           COALESCE(BOOL_OR(mi = %(cur)s AND first_paid_on < %(cur_start)s), false)
               AS cur_prepaid,
           {retained} AS retained
    FROM paid GROUP BY person_id
),
facts AS (
    SELECT p.id AS person_id,
           (p.death_date IS NOT NULL AND p.death_date < %(on)s) AS dead,
           COALESCE(r.payments_apply, true) AS pays,
           b.code AS cat_code, b.payer AS cat_payer, b.until AS cat_until,
           pa.person_id IS NOT NULL AS has_paid, pa.first_mi, pa.last_mi, pa.cur_prepaid,
           pa.retained, pa.first_mi + pa.n_window - 1 AS through_mi
    FROM persons p
    LEFT JOIN rights r ON r.citizenship = p.citizenship
    LEFT JOIN best b ON b.person_id = p.id AND COALESCE(r.categories_apply, true)
    LEFT JOIN pa ON pa.person_id = p.id
),
outcome AS (
    SELECT facts.*,
           CASE WHEN dead THEN 'none'
                WHEN cat_code IS NOT NULL THEN 'category'
                WHEN NOT pays OR first_mi IS NULL OR first_mi > %(cur)s THEN 'none'
                WHEN %(cur)s - through_mi <= %(grace)s THEN 'paid'
                WHEN retained AND %(cur)s - through_mi <= %(ret)s THEN 'retention'
                ELSE 'none' END AS kind
    FROM facts
)
SELECT person_id,
       kind <> 'none' AS insured,
       CASE kind
           WHEN 'category' THEN CASE WHEN cat_payer = 'republican' THEN 'benefit_category'
                                     ELSE 'local_budget' END
           WHEN 'paid' THEN CASE WHEN %(cur)s - through_mi <= 0 AND cur_prepaid THEN 'prepayment'
                                 WHEN %(cur)s - through_mi <= %(lag)s THEN 'payments'
                                 ELSE 'grace' END
           WHEN 'retention' THEN 'retention'
           ELSE '' END AS basis,
       CASE kind
           WHEN 'category' THEN cat_until
           WHEN 'paid' THEN {paid_until}
           WHEN 'retention' THEN {retention_until}
       END AS valid_until,
       CASE WHEN kind = 'category' THEN cat_code ELSE '' END AS category_code,
       CASE WHEN last_mi IS NOT NULL THEN {last_paid} END AS last_paid_period,
       CASE WHEN dead THEN NULL
            WHEN kind = 'category' THEN cat_until + 1
            WHEN has_paid THEN %(next_month)s::date
       END AS recheck_on
FROM outcome
"""

# Fold the ledger rows of an id range into the paid months (own contributions only).
# The first fold (or a rebuild) into an empty table: a plain insert.
FOLD_ALL = """
INSERT INTO coverage_paidmonth (person_id, period, amount, first_paid_on)
SELECT person_id, period, SUM(amount), MIN(paid_on) FILTER (WHERE amount > 0)
FROM payers_payment
WHERE id <= %(to_id)s AND kind <> ALL(%(excluded)s)
GROUP BY person_id, period
"""

FOLD = """
INSERT INTO coverage_paidmonth AS s (person_id, period, amount, first_paid_on)
SELECT person_id, period, SUM(amount), MIN(paid_on) FILTER (WHERE amount > 0)
FROM payers_payment
WHERE id > %(from_id)s AND id <= %(to_id)s AND kind <> ALL(%(excluded)s)
GROUP BY person_id, period
ON CONFLICT (person_id, period) DO UPDATE SET
    amount = s.amount + EXCLUDED.amount,
    first_paid_on = LEAST(s.first_paid_on, EXCLUDED.first_paid_on)
"""

HISTORY = """
WITH written AS (
    INSERT INTO coverage_coveragehistory (person_id, changed_on, old_insured, old_basis,
        old_valid_until, insured, basis, valid_until, reason, run_id)
    SELECT n.person_id, %(on)s, s.insured, COALESCE(s.basis, ''), s.valid_until,
           n.insured, n.basis, n.valid_until,
           COALESCE(NULLIF(s.basis, ''),
                    CASE WHEN s.person_id IS NULL THEN 'new' ELSE 'uninsured' END)
           || '→' || COALESCE(NULLIF(n.basis, ''), 'uninsured'),
           %(run)s
    FROM coverage_new n LEFT JOIN coverage_coveragestatus s ON s.person_id = n.person_id
    WHERE s.person_id IS NULL OR s.insured <> n.insured OR s.basis <> n.basis
       OR s.valid_until IS DISTINCT FROM n.valid_until
    RETURNING reason
)
SELECT reason, COUNT(*) FROM written GROUP BY reason
"""

UPSERT = """
INSERT INTO coverage_coveragestatus AS s (person_id, as_of, insured, basis, valid_until,
    category_code, last_paid_period, recheck_on, run_id)
SELECT person_id, %(on)s, insured, basis, valid_until, category_code, last_paid_period,
       recheck_on, %(run)s
FROM coverage_new
ON CONFLICT (person_id) DO UPDATE SET
    as_of = EXCLUDED.as_of, insured = EXCLUDED.insured, basis = EXCLUDED.basis,
    valid_until = EXCLUDED.valid_until, category_code = EXCLUDED.category_code,
    last_paid_period = EXCLUDED.last_paid_period, recheck_on = EXCLUDED.recheck_on,
    run_id = EXCLUDED.run_id
WHERE (s.insured, s.basis, s.valid_until, s.category_code, s.last_paid_period, s.recheck_on)
      IS DISTINCT FROM (EXCLUDED.insured, EXCLUDED.basis, EXCLUDED.valid_until,
                        EXCLUDED.category_code, EXCLUDED.last_paid_period, EXCLUDED.recheck_on)
"""


def retained_sql(retention_after: int, retention: int) -> str:
    """Are the ``retention_after`` months ending at the last paid month L all paid?

    Only L within ``retention`` + 1 months of the current one can matter (older
    months are outside the rules' horizon), so one count per possible L does it
    in a single pass, without a window function.
    """
    if not retention_after:
        return "false"
    cases = " ".join(
        f"WHEN {k} THEN COUNT(*) FILTER (WHERE mi BETWEEN %(cur)s - {k + retention_after - 1} "
        f"AND %(cur)s - {k}) = {retention_after}"
        for k in range(retention + 2)
    )
    return f"CASE %(cur)s - MAX(mi) FILTER (WHERE mi <= %(cur)s) {cases} ELSE false END"


def decide_sql(*, incremental: bool, retention_after: int = 0, retention: int = 0) -> str:
    return DECIDE.format(
        retained=retained_sql(retention_after, retention),
        touched=TOUCHED if incremental else "",
        pay_join="JOIN persons pp ON pp.id = pm.person_id" if incremental else "",
        pay_month=MONTH_INDEX.format(d="pm.period"),
        paid_until=MONTH_END.format(
            i="through_mi + CASE WHEN retained THEN GREATEST(%(grace)s, %(ret)s) "
              "ELSE %(grace)s END"),
        retention_until=MONTH_END.format(i="through_mi + %(ret)s"),
        last_paid=MONTH_START.format(i="last_mi"),
    )
