"""The hand-written SQL of ``coverage``: the nightly status recomputation, in PostgreSQL.

SQL rather than the ORM because the job decides every person of the registry in one
statement per chunk: a person's payments are bit strings (``models.PaidBits``), each
question of ``rules.decide`` a bit-string expression, and the history rows, the status
rows and the fold of new payments are written from one snapshot in the same statement
(``recompute.py`` claims the chunks, ``fold.py`` opens a run's fold; both run these).

**The fold** (``coverage.fold``): the payments ledger folded into paid-month bits.
``NEW_PAIRS`` notes the (person, month) pairs of new payments with what they say
(``flags``); ``ASSIGN`` / ``TOUCHED_CHUNKS`` hand them to the chunks; ``FOLD`` (in each
chunk's statement) decides them, from the flags and the stored bits where that is exact,
else from the ledger, and merges them into the stored bits. A rebuild folds the whole
ledger per person and 64-month word (``WORDS``, ``FROM_WORDS`` or
``from_few_words_sql``, ``NEGATIVE_PAIRS``) into the staging table ``PaidMonths``.

**The chunk** (``chunk_sql``): every step mirrors a step of ``rules.decide``; month
arithmetic uses month indexes (``osms.core.periods``). The chunk's new months are folded
in (``FOLD``, then ``joined``): ``h`` is the paid bits over the rules' horizon, bit 1 =
month ``%(low)s``, so each question of ``rules._decide_payments`` is a bit-string
expression. Every table read is restricted to the chunk: an id range (``SCOPE_RANGE``), or
the chunk's list of persons in an incremental run (``PERSONS_STORED``).

Other apps' tables are named from their models (``PAYMENT``, ``PERSON``…).
"""

from osms.core.periods import MONTH_END_SQL, MONTH_INDEX_SQL, MONTH_START_SQL
from payers.models import Payment, Person

PAYMENT = Payment._meta.db_table
PERSON = Person._meta.db_table
HISTORICAL_PERSON = Person.history.model._meta.db_table

# ---- The fold -------------------------------------------------------------------------

# The months to fold of a run (``mi``: the month index), until ``assign_pairs`` hands them
# to the chunks. One row per pair by construction (each statement filling it groups by
# person and month); no key while it fills: ``PAIRS_INDEX`` is built after, and only for
# the id-range chunks (``ASSIGN``), which look the pairs up by range.
PAIRS_TABLE = (
    "DROP TABLE IF EXISTS coverage_fold_pairs",
    "CREATE TEMP TABLE coverage_fold_pairs (person_id bigint, mi int, flags int) "
    "ON COMMIT DROP",
)
PAIRS_INDEX = "CREATE INDEX ON coverage_fold_pairs (person_id, mi)"

# What the new payments of a pair say (``flags``): 1 their net sum is > 0, 2 one of
# them is positive and paid before the month began, 4 one of them is negative;
# 8 (rebuild): decide the month by its sums in the ledger.
NET, EARLY, NEGATIVE, LEDGER = 1, 2, 4, 8
NEW_PAIRS = f"""
INSERT INTO coverage_fold_pairs (person_id, mi, flags)
SELECT person_id, {MONTH_INDEX_SQL.format(d="period")},
       (SUM(amount) > 0)::int * {NET}
       | COALESCE(bool_or(amount > 0 AND paid_on < period), false)::int * {EARLY}
       | bool_or(amount < 0)::int * {NEGATIVE}
FROM {PAYMENT}
WHERE id > %(from_id)s AND id <= %(to_id)s AND kind <> ALL(%(excluded)s)
GROUP BY person_id, period
"""


# A group of pairs ``f`` as the three parallel arrays a chunk takes, in person and month order.
PAIR_ARRAYS = """array_agg(f.person_id ORDER BY f.person_id, f.mi) AS persons,
       array_agg(f.mi ORDER BY f.person_id, f.mi) AS months,
       array_agg(f.flags ORDER BY f.person_id, f.mi) AS flags"""


def pairs_in_range(lo: str, hi: str) -> str:
    """The pairs of the persons with ``lo`` <= id < ``hi`` as three arrays, in order."""
    return f"""
SELECT {PAIR_ARRAYS}
FROM coverage_fold_pairs f WHERE f.person_id >= {lo} AND f.person_id < {hi}
"""


# Each chunk of the run gets the pairs of the persons in its id range (an index range
# scan of the pairs per chunk, after ``PAIRS_INDEX``); returns the number of pairs handed
# out.
ASSIGN = f"""
UPDATE coverage_recomputechunk c
SET fold_person_ids = a.persons, fold_months = a.months, fold_flags = a.flags
FROM coverage_recomputechunk r
CROSS JOIN LATERAL ({pairs_in_range("r.lo", "r.hi")}) a
WHERE r.run_id = %(run)s AND c.id = r.id AND a.persons IS NOT NULL
RETURNING cardinality(a.persons)
"""

# ``n`` zero bits, n < 4096 (341 years of months): a substring of a constant is far cheaper
# than parsing repeat('0', n).
ZEROS = "substring(0::bit(4096) FROM 1 FOR {n})"

# A chunk's pairs, decided from the new payments and the stored bits where that is
# exact, else from the ledger (a sub-select run only for such a pair: a lateral join
# visited every monthly partition's plan node for every pair, needed or not), then
# applied to the persons' bit strings over the span of old and new months: the stored
# bits widened once, the pairs' bits cleared, the paid ones set.
# Common table expressions of the chunk's statement (``recompute_sql``), reading the
# stored bits from the table ``{source}`` (the status rows, or a rebuild's staging) and
# ending in ``merged``: the new bits of the persons who have pairs.
FOLD = f"""
pairs AS (
    SELECT f.person_id, f.mi, f.flags, b.first_month,
           b.paid AS old_paid, b.prepaid AS old_prepaid, b.booked AS old_booked,
           COALESCE(substring(b.booked FROM f.mi - b.first_month + 1 FOR 1) = B'1', false)
               AS was_booked,
           COALESCE(substring(b.paid FROM f.mi - b.first_month + 1 FOR 1) = B'1', false)
               AS was_paid,
           COALESCE(substring(b.prepaid FROM f.mi - b.first_month + 1 FOR 1) = B'1', false)
               AS was_prepaid
    FROM unnest(%(fold_persons)s::bigint[], %(fold_months)s::int[], %(fold_flags)s::int[])
         AS f(person_id, mi, flags)
    LEFT JOIN {{source}} b ON b.person_id = f.person_id
),
pair_rules AS (
    SELECT *, flags & {LEDGER} = 0 AND NOT was_booked AS alone,
           flags & {LEDGER | NEGATIVE} = 0 AND was_paid AS more,
           LEAST(MIN(mi) OVER person, first_month) AS start,
           GREATEST(MAX(mi) OVER person, first_month + length(old_paid) - 1) AS stop
    FROM pairs WINDOW person AS (PARTITION BY person_id)
),
ledger AS (
    SELECT d.*,
           CASE WHEN d.alone OR d.more THEN 0 ELSE (
               SELECT COALESCE(SUM(p.amount) > 0, false)::int * {NET}
                      | COALESCE(SUM(p.amount) > 0
                                 AND bool_or(p.amount > 0 AND p.paid_on < p.period), false)::int
                        * {EARLY}
               FROM {PAYMENT} p
               WHERE p.person_id = d.person_id AND p.period = {{period}}
                 AND p.id <= %(payment_wm)s AND p.kind <> ALL(%(excluded)s)) END AS sums
    FROM pair_rules d
    OFFSET 0  -- the ledger read once per pair that needs it, not once per use of ``sums``
),
exact AS (
    SELECT d.*,
           CASE WHEN d.alone THEN d.flags & {NET} > 0
                WHEN d.more THEN true
                ELSE d.sums & {NET} > 0 END AS paid,
           CASE WHEN d.alone THEN d.flags & {NET | EARLY} = {NET | EARLY}
                WHEN d.more THEN d.was_prepaid OR d.flags & {EARLY} > 0
                ELSE d.sums = {NET | EARLY} END AS prepaid
    FROM ledger d
),
masks AS (
    SELECT person_id, start,
           bit_or(set_bit({{span}}, mi - start, 1)) AS touched,
           bit_or(set_bit({{span}}, mi - start, paid::int)) AS paid,
           bit_or(set_bit({{span}}, mi - start, prepaid::int)) AS prepaid,
           bit_or({{old_paid}}) AS old_paid, bit_or({{old_prepaid}}) AS old_prepaid,
           bit_or({{old_booked}}) AS old_booked
    FROM exact GROUP BY person_id, start, stop
),
merged AS (
    SELECT person_id, start AS first_month, paid | (old_paid & ~touched) AS paid,
           prepaid | (old_prepaid & ~touched) AS prepaid, touched | old_booked AS booked
    FROM masks
)"""


def _widened(bits):
    """The stored ``bits`` (or none) over the months start … stop."""
    last = "first_month + length(old_paid) - 1"
    return (f"COALESCE({ZEROS.format(n='first_month - start')} || {bits} || "
            f"{ZEROS.format(n=f'stop - ({last})')}, {ZEROS.format(n='stop - start + 1')})")


def fold_ctes(source: str) -> str:
    """The fold's common table expressions over the stored bits of the table ``source``."""
    return FOLD.format(
        source=source,
        period=MONTH_START_SQL.format(i="d.mi"),
        span=ZEROS.format(n="stop - start + 1"),
        old_paid=_widened("old_paid"),
        old_prepaid=_widened("old_prepaid"),
        old_booked=_widened("old_booked"),
    )


# Rebuild, 1: the ledger per person and 64-month word (bit 63 - m %% 64 of word m / 64).
WORDS = f"""
CREATE TEMP TABLE coverage_fold_words ON COMMIT DROP AS
SELECT person_id, mi / 64 AS w,
       COALESCE(bit_or(1::bigint << (63 - mi %% 64)) FILTER (WHERE amount > 0), 0) AS paid,
       COALESCE(bit_or(1::bigint << (63 - mi %% 64))
                FILTER (WHERE amount > 0 AND paid_on < period), 0) AS prepaid,
       COALESCE(bit_or(1::bigint << (63 - mi %% 64)) FILTER (WHERE amount < 0), 0) AS negative,
       bit_or(1::bigint << (63 - mi %% 64)) AS booked
FROM (SELECT person_id, period, amount, paid_on, {MONTH_INDEX_SQL.format(d="period")} AS mi
      FROM {PAYMENT} WHERE id <= %(to_id)s AND kind <> ALL(%(excluded)s)) x
GROUP BY 1, 2
"""

# Rebuild, 2: the words of a person side by side (zero words in the gaps), from the first.
FROM_WORDS = """
INSERT INTO coverage_paidmonths (person_id, first_month, paid, prepaid, booked)
SELECT person_id, 64 * MIN(w),
       string_agg(repeat('0', 64 * gap) || paid::bit(64)::text, '' ORDER BY w)::varbit,
       string_agg(repeat('0', 64 * gap) || prepaid::bit(64)::text, '' ORDER BY w)::varbit,
       string_agg(repeat('0', 64 * gap) || booked::bit(64)::text, '' ORDER BY w)::varbit
FROM (SELECT *, w - lag(w, 1, w - 1) OVER (PARTITION BY person_id ORDER BY w) - 1 AS gap
      FROM coverage_fold_words) x
GROUP BY person_id
"""

# Rebuild, 2 when the whole ledger spans a few words (it does: one word is 5⅓ years): every
# person's strings start at the ledger's first word, one column per word, no sort.
def from_few_words_sql(first: int, last: int) -> str:
    def string(column):
        words = " || ".join(f"COALESCE(bit_or({column}) FILTER (WHERE w = {w}), 0)::bit(64)"
                            for w in range(first, last + 1))
        return f"({words})::varbit"

    return (f"INSERT INTO coverage_paidmonths (person_id, first_month, paid, prepaid, booked) "
            f"SELECT person_id, {64 * first}, {string('paid')}, {string('prepaid')}, "
            f"{string('booked')} FROM coverage_fold_words GROUP BY person_id")


# Rebuild, 3: a month with a negative row (a reversal) is decided by its sums in the ledger.
NEGATIVE_PAIRS = f"""
INSERT INTO coverage_fold_pairs (person_id, mi, flags)
SELECT person_id, w * 64 + k, {LEDGER}
FROM coverage_fold_words, generate_series(0, 63) AS k
WHERE negative <> 0 AND (negative >> (63 - k)) & 1 = 1
"""


# The fold's small statements: a large fold's sort and hash in memory; a rebuild starts
# from an empty staging table and drops its words; the planner learns the sizes of what was
# just written; the assigned pairs are counted against all, and dropped.
FOLD_WORK_MEM = "SET LOCAL work_mem = '256MB'"
EMPTY_STAGING = "TRUNCATE coverage_paidmonths"
DROP_WORDS = "DROP TABLE IF EXISTS coverage_fold_words"
WORD_RANGE = "SELECT MIN(w), MAX(w) FROM coverage_fold_words"
ANALYZE_STAGING = "ANALYZE coverage_paidmonths"
ANALYZE_PAIRS = "ANALYZE coverage_fold_pairs"
COUNT_PAIRS = "SELECT count(*) FROM coverage_fold_pairs"
DROP_PAIRS = "DROP TABLE coverage_fold_pairs"

# ---- The chunk ------------------------------------------------------------------------

SCOPE_RANGE = "{col} >= %(lo)s AND {col} < %(hi)s"

# One chunk decided and written (``chunk_sql`` fills in its scope, the fold's source and the
# month expressions): the rules in force, each person's category and paid-month facts, the
# decision of ``rules.decide``, then the history rows of the changes and the status rows
# inserted or updated; returns the count of persons and of each transition.
CHUNK = """
WITH {persons},
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
    SELECT m.person_id, tm.code, tm.payer, LEAST(m.ends_on, tm.valid_to) AS until,
           true AS membership
    FROM coverage_categorymembership m
    JOIN terms tm ON tm.category_id = m.category_id
    WHERE {scope_membership}
      AND m.starts_on <= %(on)s AND (m.ends_on IS NULL OR m.ends_on >= %(on)s)
    UNION ALL
    SELECT p.id, tm.code, tm.payer,
           LEAST((p.birth_date + make_interval(years => tm.age_limit_years))::date - 1,
                 tm.valid_to), false
    FROM persons p JOIN terms tm ON tm.age_limit_years IS NOT NULL
    WHERE p.birth_date > tm.born_after
      AND (p.birth_date + make_interval(years => tm.age_limit_years))::date > %(on)s
),
best AS (
    SELECT DISTINCT ON (person_id) person_id, code, payer, until
    FROM candidates
    ORDER BY person_id, (payer = 'republican') DESC, (until IS NULL) DESC, until DESC, code
),
held AS (  -- persons with a membership in force (kept on the status row)
    SELECT DISTINCT person_id FROM candidates WHERE membership
),
{fold},
joined AS (
    SELECT p.id AS person_id, p.birth_date, p.citizenship, p.death_date,
           st.birth_date AS old_birth_date, st.citizenship AS old_citizenship,
           st.death_date AS old_death_date, hm.person_id IS NOT NULL AS held_membership,
           st.held_membership AS old_held_membership,
           {status_row} AS status_row, st.person_id IS NOT NULL AS known,
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
    LEFT JOIN {status_from} st ON st.person_id = p.id AND {scope_status}
    {source_join}
    LEFT JOIN merged m ON m.person_id = p.id
    LEFT JOIN held hm ON hm.person_id = p.id
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
           first_month, paid, prepaid, booked, held_membership, birth_date, citizenship,
           death_date,
           (held_membership, birth_date, citizenship, death_date) IS DISTINCT FROM
               (old_held_membership, old_birth_date, old_citizenship, old_death_date)
               AS kept_changed,
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
           bits_changed OR kept_changed
               OR (insured, basis, valid_until, category_code, last_paid_period, recheck_on)
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
        booked, held_membership, birth_date, citizenship, death_date)
    SELECT person_id, %(on)s, insured, basis, valid_until, category_code, last_paid_period,
           recheck_on, %(run)s, first_month, paid, prepaid, booked, held_membership,
           birth_date, citizenship, death_date
    FROM compared WHERE NOT known
),
updated AS (
    UPDATE coverage_coveragestatus s SET
        as_of = %(on)s, insured = c.insured, basis = c.basis, valid_until = c.valid_until,
        category_code = c.category_code, last_paid_period = c.last_paid_period,
        recheck_on = c.recheck_on, run_id = %(run)s, first_month = c.first_month,
        paid = c.paid, prepaid = c.prepaid, booked = c.booked,
        held_membership = c.held_membership, birth_date = c.birth_date,
        citizenship = c.citizenship, death_date = c.death_date
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
# for a recheck, and who are new or changed in the registry. ``sources`` says what touched
# them: ``REGISTRY`` (their facts are read from the registry, not from their status row),
# ``MEMBERSHIPS`` (their memberships are read even if none was in force). Each source is
# read once, through an index (a change of a person is found by its history row: the
# registry's updated_at has no index).
REGISTRY, MEMBERSHIPS = 1, 2
TOUCHED = (
    "DROP TABLE IF EXISTS coverage_touched",
    "CREATE TEMP TABLE coverage_touched (id bigint NOT NULL, sources int NOT NULL) "
    "ON COMMIT DROP",
    f"""
INSERT INTO coverage_touched (id, sources)
SELECT id, bit_or(source) FROM (
    SELECT person_id AS id, 0 AS source FROM coverage_fold_pairs
    UNION ALL
    SELECT m.person_id, {MEMBERSHIPS} FROM coverage_categorymembership m
    WHERE m.changed_at > %(since)s
    UNION ALL
    SELECT m.person_id, {MEMBERSHIPS} FROM coverage_categorymembership m
    WHERE m.starts_on > %(prev_on)s AND m.starts_on <= %(on)s
    UNION ALL
    SELECT h.person_id, {MEMBERSHIPS} FROM coverage_historicalcategorymembership h
    WHERE h.history_date > %(since)s AND h.history_type = '-'
    UNION ALL
    SELECT s.person_id, 0 FROM coverage_coveragestatus s WHERE s.recheck_on <= %(on)s
    UNION ALL
    SELECT q.id, {REGISTRY} FROM {PERSON} q WHERE q.id > %(prev_person_wm)s
    UNION ALL
    SELECT h.id, {REGISTRY} FROM {HISTORICAL_PERSON} h WHERE h.history_date > %(since)s
) touched_by
GROUP BY id
""",
)

# The touched persons (one row each: ``TOUCHED`` groups them) cut into chunks of %(size)s
# persons each, in id order, with the months to fold of each chunk's persons (every pair's
# person is touched, so each pair finds its chunk by a join on the person); returns the
# number of pairs handed to each chunk.
TOUCHED_CHUNKS = f"""
WITH numbered AS MATERIALIZED (
    SELECT id, sources, (row_number() OVER (ORDER BY id) - 1) / %(size)s AS n
    FROM coverage_touched
),
chunks AS (
    SELECT n, MIN(id) AS lo, MAX(id) + 1 AS hi, array_agg(id ORDER BY id) AS ids,
           array_agg(sources ORDER BY id) AS sources
    FROM numbered GROUP BY n
),
folds AS (
    SELECT t.n, {PAIR_ARRAYS}
    FROM coverage_fold_pairs f JOIN numbered t ON t.id = f.person_id
    GROUP BY t.n
)
INSERT INTO coverage_recomputechunk (run_id, lo, hi, person_ids, person_sources,
    persons, changed, transitions, fold_person_ids, fold_months, fold_flags)
SELECT %(run)s, c.lo, c.hi, c.ids, c.sources, 0, 0, '{{}}'::jsonb, f.persons, f.months,
       f.flags
FROM chunks c LEFT JOIN folds f ON f.n = c.n
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


# The persons of a range chunk and their registry facts, read from the registry in order.
PERSONS_RANGE = f"""persons AS (
    SELECT p.id, p.birth_date, p.citizenship, p.death_date
    FROM {PERSON} p WHERE p.id >= %(lo)s AND p.id < %(hi)s
)"""

# A listed chunk (an incremental run; the list is sent once and joined through unnest, whose
# length the planner reads, not 5 000 constants per use): its persons' status rows, read
# once (an index probe each) for the fold's stored bits, the decision's old values and what
# the last decision read besides; the update finds each row again by its ctid. Only a
# person new or changed in the registry since the previous run (``sources``), or whose row
# holds no facts yet, is read from the registry; only a person whose memberships changed,
# or who had one in force, or has no row, has their memberships read. A missing source (a
# chunk cut before ``sources`` existed) reads both.
PERSONS_STORED = f"""listed AS MATERIALIZED (
    SELECT t.id, COALESCE(t.sources & {REGISTRY} > 0, true) AS registry,
           COALESCE(t.sources & {MEMBERSHIPS} > 0, true) AS memberships
    FROM unnest(%(ids)s::bigint[], %(sources)s::int[]) AS t(id, sources)
    WHERE t.id IS NOT NULL
),
stored AS MATERIALIZED (
    SELECT st.ctid AS status_row, st.person_id, st.insured, st.basis, st.valid_until,
           st.category_code, st.last_paid_period, st.recheck_on, st.first_month, st.paid,
           st.prepaid, st.booked, st.held_membership, st.birth_date, st.citizenship,
           st.death_date, NOT l.registry AND st.birth_date IS NOT NULL AS facts_held,
           l.memberships OR st.held_membership AS reads_memberships
    FROM listed l JOIN coverage_coveragestatus st ON st.person_id = l.id
),
members AS (
    SELECT s.person_id AS id FROM stored s WHERE s.reads_memberships
    UNION ALL
    SELECT l.id FROM listed l WHERE NOT EXISTS (SELECT FROM stored s WHERE s.person_id = l.id)
),
persons AS (
    SELECT s.person_id AS id, s.birth_date, s.citizenship, s.death_date
    FROM stored s WHERE s.facts_held
    UNION ALL
    SELECT p.id, p.birth_date, p.citizenship, p.death_date
    FROM listed l JOIN {PERSON} p ON p.id = l.id
    WHERE NOT EXISTS (SELECT FROM stored s WHERE s.person_id = l.id AND s.facts_held)
)"""


# Where a chunk's stored bits come from: the status rows, or the ledger folded anew by a
# rebuild run into the staging table (``coverage.fold``).
SOURCE_REBUILT = ("LEFT JOIN coverage_paidmonths src ON src.person_id = p.id "
                  "AND {scope}")


def chunk_sql(*, incremental: bool, retention_after: int = 0, rebuilt: bool = False) -> str:
    """A listed chunk (``incremental``) reads its persons' status rows once (``stored``) for
    the fold and the decision; a range chunk reads its id range of them in order. Only a
    full run rebuilds (``coverage.recompute._start_run``), so a listed chunk never does."""
    if incremental and rebuilt:
        raise ValueError("a rebuild run cuts id ranges, not lists of persons")
    return CHUNK.format(
        persons=PERSONS_STORED if incremental else PERSONS_RANGE,
        status_from="stored" if incremental else "coverage_coveragestatus",
        status_row="st.status_row" if incremental else "st.ctid",
        source_join=(SOURCE_REBUILT.format(scope=SCOPE_RANGE.format(col="src.person_id"))
                     if rebuilt else ""),
        fold=fold_ctes("stored" if incremental else
                       "coverage_paidmonths" if rebuilt else "coverage_coveragestatus"),
        scope_membership=("m.person_id IN (SELECT id FROM members)" if incremental
                          else SCOPE_RANGE.format(col="m.person_id")),
        # listed persons find their status row by the join alone (an index probe each)
        scope_status="true" if incremental else SCOPE_RANGE.format(col="st.person_id"),
        src="src" if rebuilt else "st",
        retained=retained_sql(retention_after),
        paid_until=MONTH_END_SQL.format(
            i="through_mi + CASE WHEN retained THEN GREATEST(%(grace)s, %(ret)s) "
              "ELSE %(grace)s END"),
        retention_until=MONTH_END_SQL.format(i="through_mi + %(ret)s"),
        last_paid=MONTH_START_SQL.format(i="last_mi"),
    )


# The settings of a chunk's transaction (``recompute._chunk_settings`` says why): memory
# for its sorts and hashes, no JIT for a statement planned per chunk, no wait for the WAL
# flush at commit; and the WAL compression this role may set, if any (asked once).
CHUNK_SETTINGS = ("SET LOCAL work_mem = '128MB'", "SET LOCAL jit = off",
                  "SET LOCAL synchronous_commit = off")
WAL_COMPRESSION = """
SELECT CASE WHEN has_parameter_privilege('wal_compression', 'SET')
            THEN (SELECT v FROM unnest(enumvals) AS v WHERE v IN ('lz4', 'pglz')
                  ORDER BY v = 'lz4' DESC LIMIT 1) END
FROM pg_settings WHERE name = 'wal_compression'
"""


def wal_compression_setting(method: str) -> str:
    return f"SET LOCAL wal_compression = {method}"
