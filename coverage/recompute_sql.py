"""The status decision of ``coverage.rules`` as one PostgreSQL statement per chunk.

Every step mirrors a step of ``rules.decide``; month arithmetic uses month
indexes (year × 12 + month − 1) as the rules module does. A person's payments
are the paid-month bits of their status row (``models.PaidBits``) with the
chunk's new months folded in (``coverage.fold``, then ``joined``): ``h`` is the paid
bits over the rules' horizon, bit 1 = month ``%(low)s``, so each question of
``rules._decide_payments`` is a bit-string expression. The same statement
writes the history rows of the changes and inserts or updates the current
rows (decision and bits), all from one snapshot; ``{scope}`` restricts every
table read to the chunk (an id range, or the chunk's list of persons in an
incremental run).
"""

from .fold import fold_ctes, pairs_in_range

MONTH_START = "make_date((({i}) / 12)::int, (({i}) %% 12 + 1)::int, 1)"
MONTH_END = ("(make_date((({i}) / 12)::int, (({i}) %% 12 + 1)::int, 1) "
             "+ interval '1 month - 1 day')::date")

SCOPE_RANGE = "{col} >= %(lo)s AND {col} < %(hi)s"
SCOPE_IDS = "{col} IN (SELECT id FROM persons)"
# The persons of a chunk: an id range, or (an incremental run) its list, sent once and
# joined (the planner reads the list's length from unnest, not 5 000 constants per use).
PERSONS_RANGE = "payers_person p WHERE p.id >= %(lo)s AND p.id < %(hi)s"
PERSONS_LISTED = "unnest(%(ids)s::bigint[]) AS t(id) JOIN payers_person p ON p.id = t.id"

CHUNK = """
WITH persons AS (
    SELECT p.id, p.birth_date, p.citizenship, p.death_date
    FROM {persons_from}
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
{fold},
joined AS (
    SELECT p.id AS person_id, p.citizenship, p.death_date,
           st.ctid AS status_row, st.person_id IS NOT NULL AS known,
           st.insured AS old_insured, st.basis AS old_basis, st.valid_until AS old_valid_until,
           st.category_code AS old_category_code, st.last_paid_period AS old_last_paid_period,
           st.recheck_on AS old_recheck_on, st.first_month AS old_first_month,
           st.paid AS old_paid, st.prepaid AS old_prepaid, st.booked AS old_booked,
           CASE WHEN m.person_id IS NULL THEN {src}.first_month ELSE m.first_month END
               AS first_month,
           CASE WHEN m.person_id IS NULL THEN {src}.paid ELSE m.paid END AS paid,
           CASE WHEN m.person_id IS NULL THEN {src}.prepaid ELSE m.prepaid END AS prepaid,
           CASE WHEN m.person_id IS NULL THEN {src}.booked ELSE m.booked END AS booked
    FROM persons p
    LEFT JOIN coverage_coveragestatus st ON st.person_id = p.id AND {scope_status}
    {source_join}
    LEFT JOIN merged m ON m.person_id = p.id
),
bits AS (
    SELECT *,
           substring(CASE WHEN first_month > %(low)s
                          THEN repeat('0', first_month - %(low)s)::varbit || paid
                          ELSE paid END
                     FROM GREATEST(%(low)s - first_month, 0) + 1 FOR %(span)s) AS h,
           substring(prepaid FROM %(cur)s - first_month + 1 FOR 1) = B'1' AS cur_prepaid,
           (first_month, paid, prepaid, booked) IS DISTINCT FROM
               (old_first_month, old_paid, old_prepaid, old_booked) AS bits_changed
    FROM joined
    OFFSET 0  -- computed once per row, not once per reference (no subquery pull-up)
),
pa AS (
    SELECT *,
           COALESCE(bit_count(h) > 0, false) AS has_paid,
           bit_count(w) AS n_window,
           NULLIF(position(B'1' IN w), 0) + %(ws)s - 1 AS first_mi,
           NULLIF(length(rtrim(substring(h FOR %(cur)s - %(low)s + 1)::text, '0')), 0)
               + %(low)s - 1 AS last_mi
    FROM (SELECT *, substring(h FROM %(ws)s - %(low)s + 1) AS w FROM bits) x
    OFFSET 0
),
facts AS (
    SELECT pa.*,
           (pa.death_date IS NOT NULL AND pa.death_date < %(on)s) AS dead,
           COALESCE(r.payments_apply, true) AS pays,
           b.code AS cat_code, b.payer AS cat_payer, b.until AS cat_until,
           {retained} AS retained, pa.first_mi + pa.n_window - 1 AS through_mi
    FROM pa
    LEFT JOIN rights r ON r.citizenship = pa.citizenship
    LEFT JOIN best b ON b.person_id = pa.person_id AND COALESCE(r.categories_apply, true)
    OFFSET 0
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
    OFFSET 0
),
decided AS (
    SELECT person_id, status_row, known, old_insured, old_basis, old_valid_until,
           old_category_code, old_last_paid_period, old_recheck_on, bits_changed,
           first_month, paid, prepaid, booked,
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
    SELECT *,
           (insured, basis, valid_until)
               IS DISTINCT FROM (old_insured, old_basis, old_valid_until) AS status_changed,
           bits_changed OR (insured, basis, valid_until, category_code, last_paid_period,
                            recheck_on)
               IS DISTINCT FROM (old_insured, old_basis, old_valid_until, old_category_code,
                                 old_last_paid_period, old_recheck_on) AS row_changed
    FROM decided
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
        category_code, last_paid_period, recheck_on, run_id, first_month, paid, prepaid,
        booked)
    SELECT person_id, %(on)s, insured, basis, valid_until, category_code, last_paid_period,
           recheck_on, %(run)s, first_month, paid, prepaid, booked
    FROM compared WHERE NOT known
),
updated AS (
    UPDATE coverage_coveragestatus s SET
        as_of = %(on)s, insured = c.insured, basis = c.basis, valid_until = c.valid_until,
        category_code = c.category_code, last_paid_period = c.last_paid_period,
        recheck_on = c.recheck_on, run_id = %(run)s, first_month = c.first_month,
        paid = c.paid, prepaid = c.prepaid, booked = c.booked
    FROM compared c
    WHERE s.ctid = ANY(ARRAY(SELECT status_row FROM compared WHERE known AND row_changed))
      AND s.ctid = c.status_row AND s.person_id = c.person_id
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


# Where a chunk's stored bits come from: the status rows, or the ledger folded anew by a
# rebuild run into the staging table (``coverage.fold``).
SOURCE_REBUILT = ("LEFT JOIN coverage_paidmonths src ON src.person_id = p.id "
                  "AND {scope}")


def chunk_sql(*, incremental: bool, retention_after: int = 0, rebuilt: bool = False) -> str:
    scope = SCOPE_IDS if incremental else SCOPE_RANGE
    table = "coverage_paidmonths" if rebuilt else "coverage_coveragestatus"
    return CHUNK.format(
        source_join=(SOURCE_REBUILT.format(scope=scope.format(col="src.person_id")) if rebuilt
                     else ""),
        fold=fold_ctes(table),
        persons_from=PERSONS_LISTED if incremental else PERSONS_RANGE,
        scope_membership=scope.format(col="m.person_id"),
        # listed persons find their status row by the join alone (an index probe each)
        scope_status="true" if incremental else scope.format(col="st.person_id"),
        src="src" if rebuilt else "st",
        retained=retained_sql(retention_after),
        paid_until=MONTH_END.format(
            i="through_mi + CASE WHEN retained THEN GREATEST(%(grace)s, %(ret)s) "
              "ELSE %(grace)s END"),
        retention_until=MONTH_END.format(i="through_mi + %(ret)s"),
        last_paid=MONTH_START.format(i="last_mi"),
    )
