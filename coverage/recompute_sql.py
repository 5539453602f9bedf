"""The status decision of ``coverage.rules`` as one PostgreSQL statement per chunk.

Every step mirrors a step of ``rules.decide``; month arithmetic uses month
indexes (year × 12 + month − 1) as the rules module does. A person's payments
are one ``PaidMonths`` row (see ``coverage.fold``): ``h`` is its paid bits over
the rules' horizon, bit 1 = month ``%(low)s``, so each question of
``rules._decide_payments`` is a bit-string expression. The same statement
writes the history rows of the changes and inserts or updates the current
rows, all from one snapshot; ``{scope}`` restricts every table read to the
chunk (an id range, or the chunk's list of persons in an incremental run).
"""

from .fold import pairs_in_range

MONTH_START = "make_date((({i}) / 12)::int, (({i}) %% 12 + 1)::int, 1)"
MONTH_END = ("(make_date((({i}) / 12)::int, (({i}) %% 12 + 1)::int, 1) "
             "+ interval '1 month - 1 day')::date")

SCOPE_RANGE = "{col} >= %(lo)s AND {col} < %(hi)s"
SCOPE_IDS = "{col} = ANY(%(ids)s)"

CHUNK = """
WITH persons AS (
    SELECT p.id, p.birth_date, p.citizenship, p.death_date
    FROM payers_person p WHERE {scope_person}
),
rights AS (
    SELECT DISTINCT ON (r.citizenship) r.citizenship, r.categories_apply, r.payments_apply
    FROM coverage_residencyrule r
    WHERE r.valid_from <= %(on)s AND (r.valid_to IS NULL OR r.valid_to >= %(on)s)
    ORDER BY r.citizenship, r.valid_from DESC
),
terms AS (
    SELECT DISTINCT ON (t.category_id) t.category_id, c.code, c.age_limit_years, t.payer,
           t.valid_to,
           -- born + N years > on implies born > on - N years (adding years is monotone and
           -- turns a 29th of February into the 28th): a cheap test before the exact one
           (%(on)s::date - make_interval(years => c.age_limit_years))::date AS born_after
    FROM coverage_categoryterm t JOIN coverage_benefitcategory c ON c.id = t.category_id
    WHERE t.valid_from <= %(on)s AND (t.valid_to IS NULL OR t.valid_to >= %(on)s)
    ORDER BY t.category_id, t.valid_from DESC
),
candidates AS (
    SELECT m.person_id, tm.code, tm.payer, LEAST(m.ends_on, tm.valid_to) AS until
    FROM coverage_categorymembership m
    JOIN terms tm ON tm.category_id = m.category_id
    WHERE {scope_membership}
      AND m.starts_on <= %(on)s AND (m.ends_on IS NULL OR m.ends_on >= %(on)s)
    UNION ALL
    SELECT p.id, tm.code, tm.payer,
           LEAST((p.birth_date + make_interval(years => tm.age_limit_years))::date - 1,
                 tm.valid_to)
    FROM persons p JOIN terms tm ON tm.age_limit_years IS NOT NULL
    WHERE p.birth_date > tm.born_after
      AND (p.birth_date + make_interval(years => tm.age_limit_years))::date > %(on)s
),
best AS (
    SELECT DISTINCT ON (person_id) person_id, code, payer, until
    FROM candidates
    ORDER BY person_id, (payer = 'republican') DESC, (until IS NULL) DESC, until DESC, code
),
bits AS (
    SELECT b.person_id,
           substring(CASE WHEN b.first_month > %(low)s
                          THEN repeat('0', b.first_month - %(low)s)::varbit || b.paid
                          ELSE b.paid END
                     FROM GREATEST(%(low)s - b.first_month, 0) + 1 FOR %(span)s) AS h,
           substring(b.prepaid FROM %(cur)s - b.first_month + 1 FOR 1) = B'1' AS cur_prepaid
    FROM coverage_paidmonths b WHERE {scope_bits}
),
pa AS (
    SELECT person_id, h, cur_prepaid,
           bit_count(h) > 0 AS has_paid,
           bit_count(w) AS n_window,
           NULLIF(position(B'1' IN w), 0) + %(ws)s - 1 AS first_mi,
           NULLIF(length(rtrim(substring(h FOR %(cur)s - %(low)s + 1)::text, '0')), 0)
               + %(low)s - 1 AS last_mi
    FROM (SELECT *, substring(h FROM %(ws)s - %(low)s + 1) AS w FROM bits) x
),
facts AS (
    SELECT p.id AS person_id,
           (p.death_date IS NOT NULL AND p.death_date < %(on)s) AS dead,
           COALESCE(r.payments_apply, true) AS pays,
           b.code AS cat_code, b.payer AS cat_payer, b.until AS cat_until,
           COALESCE(pa.has_paid, false) AS has_paid, pa.first_mi, pa.last_mi, pa.cur_prepaid,
           {retained} AS retained, pa.first_mi + pa.n_window - 1 AS through_mi
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
),
decided AS (
    SELECT person_id,
           kind <> 'none' AS insured,
           CASE kind
               WHEN 'category' THEN CASE WHEN cat_payer = 'republican' THEN 'benefit_category'
                                         ELSE 'local_budget' END
               WHEN 'paid' THEN CASE WHEN %(cur)s - through_mi <= 0 AND cur_prepaid
                                         THEN 'prepayment'
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
),
compared AS (
    SELECT d.*, s.ctid AS status_row, s.person_id IS NOT NULL AS known, s.insured AS old_insured,
           s.basis AS old_basis, s.valid_until AS old_valid_until,
           (d.insured, d.basis, d.valid_until)
               IS DISTINCT FROM (s.insured, s.basis, s.valid_until) AS status_changed,
           (d.insured, d.basis, d.valid_until, d.category_code, d.last_paid_period,
            d.recheck_on)
               IS DISTINCT FROM (s.insured, s.basis, s.valid_until, s.category_code,
                                 s.last_paid_period, s.recheck_on) AS row_changed
    FROM decided d
    LEFT JOIN coverage_coveragestatus s ON s.person_id = d.person_id AND {scope_status}
),
history AS (
    INSERT INTO coverage_coveragehistory (person_id, changed_on, old_insured, old_basis,
        old_valid_until, insured, basis, valid_until, reason, run_id)
    SELECT person_id, %(on)s, old_insured, COALESCE(old_basis, ''), old_valid_until,
           insured, basis, valid_until,
           COALESCE(NULLIF(old_basis, ''), CASE WHEN known THEN 'uninsured' ELSE 'new' END)
           || '→' || COALESCE(NULLIF(basis, ''), 'uninsured'),
           %(run)s
    FROM compared WHERE status_changed
    RETURNING reason
),
added AS (
    INSERT INTO coverage_coveragestatus (person_id, as_of, insured, basis, valid_until,
        category_code, last_paid_period, recheck_on, run_id)
    SELECT person_id, %(on)s, insured, basis, valid_until, category_code, last_paid_period,
           recheck_on, %(run)s
    FROM compared WHERE NOT known
),
updated AS (
    UPDATE coverage_coveragestatus s SET
        as_of = %(on)s, insured = c.insured, basis = c.basis, valid_until = c.valid_until,
        category_code = c.category_code, last_paid_period = c.last_paid_period,
        recheck_on = c.recheck_on, run_id = %(run)s
    FROM compared c
    WHERE s.ctid = c.status_row AND s.person_id = c.person_id AND c.known AND c.row_changed
      {scope_updated}
)
SELECT '' AS reason, COUNT(*) FROM decided
UNION ALL
SELECT reason, COUNT(*) FROM history GROUP BY reason
"""

# The persons an incremental run looks at: who have months to fold (new payments), whose
# memberships changed, started or were deleted since the previous run, whose status is due
# for a recheck, and who are new or changed in the registry. Each source is read once,
# through an index (a change of a person is found by its history row: the registry's
# updated_at has no index).
TOUCHED = (
    "DROP TABLE IF EXISTS coverage_touched",
    "CREATE TEMP TABLE coverage_touched (id bigint PRIMARY KEY) ON COMMIT DROP",
    """
INSERT INTO coverage_touched (id)
SELECT person_id FROM coverage_fold_pairs
UNION
SELECT m.person_id FROM coverage_categorymembership m WHERE m.changed_at > %(since)s
UNION
SELECT m.person_id FROM coverage_categorymembership m
WHERE m.starts_on > %(prev_on)s AND m.starts_on <= %(on)s
UNION
SELECT h.person_id FROM coverage_historicalcategorymembership h
WHERE h.history_date > %(since)s AND h.history_type = '-'
UNION
SELECT s.person_id FROM coverage_coveragestatus s WHERE s.recheck_on <= %(on)s
UNION
SELECT q.id FROM payers_person q WHERE q.id > %(prev_person_wm)s
UNION
SELECT h.id FROM payers_historicalperson h WHERE h.history_date > %(since)s
""",
)

# The touched persons cut into chunks of %(size)s persons each, with the months to fold
# of each chunk's persons (every pair's person is touched, so it falls in one chunk's
# range); returns the number of pairs handed to each chunk.
TOUCHED_CHUNKS = f"""
INSERT INTO coverage_recomputechunk (run_id, lo, hi, person_ids, persons, changed,
    transitions, fold_person_ids, fold_months, fold_flags)
SELECT %(run)s, t.lo, t.hi, t.ids, 0, 0, '{{}}'::jsonb, a.persons, a.months, a.flags
FROM (SELECT MIN(id) AS lo, MAX(id) + 1 AS hi, array_agg(id ORDER BY id) AS ids
      FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / %(size)s AS n
            FROM coverage_touched) numbered
      GROUP BY n) t
CROSS JOIN LATERAL ({pairs_in_range("t.lo", "t.hi")}) a
RETURNING COALESCE(cardinality(fold_person_ids), 0)
"""


def retained_sql(retention_after: int) -> str:
    """Are the ``retention_after`` months ending at the last paid month all paid?

    Months below the horizon are not in ``h``, so a run reaching below it counts
    fewer bits and is not retained, as in the rules module.
    """
    if not retention_after:
        return "false"
    return (f"COALESCE(bit_count(substring(pa.h FROM pa.last_mi - {retention_after} + 1 "
            f"- %(low)s + 1 FOR {retention_after})) = {retention_after}, false)")


def chunk_sql(*, incremental: bool, retention_after: int = 0) -> str:
    scope = SCOPE_IDS if incremental else SCOPE_RANGE
    return CHUNK.format(
        scope_person=scope.format(col="p.id"),
        scope_membership=scope.format(col="m.person_id"),
        scope_bits=scope.format(col="b.person_id"),
        scope_status=scope.format(col="s.person_id"),
        # the row is found by its ctid; a range helps the planner, a list would be searched
        # from its start for every row
        scope_updated="" if incremental else "AND " + scope.format(col="s.person_id"),
        retained=retained_sql(retention_after),
        paid_until=MONTH_END.format(
            i="through_mi + CASE WHEN retained THEN GREATEST(%(grace)s, %(ret)s) "
              "ELSE %(grace)s END"),
        retention_until=MONTH_END.format(i="through_mi + %(ret)s"),
        last_paid=MONTH_START.format(i="last_mi"),
    )
