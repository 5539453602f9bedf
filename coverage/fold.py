"""The payments ledger folded into paid-month bits per person (``models.PaidBits``).

A month is paid when the net sum of the person's own contributions for it is > 0
(kinds in ``NON_CONTRIBUTION_KINDS`` left out, reversals are negative rows); it
is prepaid when it is paid and its first positive payment came before the month
began — exactly what ``facts.person_facts`` gives ``rules.decide``.

When a run opens (``fold_ledger``, in its transaction, on the payments with an
id up to ``upto``: a settled watermark, every lower id is committed):

* incremental: the (person, month) pairs of the payments above the previous
  watermark, with what those payments say (``NEW_PAIRS``), are handed to the
  chunks of the run (``assign_pairs``: the pairs of the persons in a chunk's id
  range); each chunk folds its pairs into the bits of its persons' status rows
  (``fold_ctes``) in the statement that decides them, so the workers share the
  fold and each person's row is read and written once. A month without earlier
  rows, or already paid and only paid more, is decided by the new payments; any
  other (a reversal, a month reversed before) by its exact sums in the ledger
  (index ``payment_person_period_idx``);
* rebuild (first run, ``--rebuild``): the whole ledger in one scan, grouped per
  person and 64-month word with integer bit operations (no per-month group),
  written to the staging table ``PaidMonths``, from which that run's chunks take
  their persons' bits (emptied when the run is done); the months that have a
  negative row become pairs decided by the ledger.
"""

import time

from django.db import connection

from .rules import NON_CONTRIBUTION_KINDS

MONTH_OF = "(date_part('year', {d})::int * 12 + date_part('month', {d})::int - 1)"
MONTH_START = "make_date(({i}) / 12, ({i}) %% 12 + 1, 1)"

ANALYZE_AFTER = 100_000  # refresh the planner's statistics after a fold this large

PAIRS_TABLE = (
    "DROP TABLE IF EXISTS coverage_fold_pairs",
    "CREATE TEMP TABLE coverage_fold_pairs (person_id bigint, period date, flags int, "
    "PRIMARY KEY (person_id, period)) ON COMMIT DROP",
)

# What the new payments of a pair say (``flags``): 1 their net sum is > 0, 2 one of
# them is positive and paid before the month began, 4 one of them is negative;
# 8 (rebuild): decide the month by its sums in the ledger.
NET, EARLY, NEGATIVE, LEDGER = 1, 2, 4, 8
NEW_PAIRS = f"""
INSERT INTO coverage_fold_pairs (person_id, period, flags)
SELECT person_id, period,
       (SUM(amount) > 0)::int * {NET}
       | COALESCE(bool_or(amount > 0 AND paid_on < period), false)::int * {EARLY}
       | bool_or(amount < 0)::int * {NEGATIVE}
FROM payers_payment
WHERE id > %(from_id)s AND id <= %(to_id)s AND kind <> ALL(%(excluded)s)
GROUP BY person_id, period
"""


def pairs_in_range(lo: str, hi: str) -> str:
    """The pairs of the persons with ``lo`` <= id < ``hi`` as three arrays, in order."""
    return f"""
SELECT array_agg(f.person_id ORDER BY f.person_id, f.period) AS persons,
       array_agg({MONTH_OF.format(d="f.period")} ORDER BY f.person_id, f.period) AS months,
       array_agg(f.flags ORDER BY f.person_id, f.period) AS flags
FROM coverage_fold_pairs f WHERE f.person_id >= {lo} AND f.person_id < {hi}
"""


# Each chunk of the run gets the pairs of the persons in its id range (an index range
# scan of the pairs per chunk); returns the number of pairs handed out.
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
# exact, else from the ledger (one lookup per such pair, whatever the planner
# estimates), then applied to the persons' bit strings over the span of old and new
# months: the stored bits widened once, the pairs' bits cleared, the paid ones set.
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
exact AS (
    SELECT d.*,
           CASE WHEN d.alone THEN d.flags & {NET} > 0
                WHEN d.more THEN true
                ELSE COALESCE(x.total > 0, false) END AS paid,
           CASE WHEN d.alone THEN d.flags & {NET | EARLY} = {NET | EARLY}
                WHEN d.more THEN d.was_prepaid OR d.flags & {EARLY} > 0
                ELSE COALESCE(x.total > 0 AND x.early, false) END AS prepaid
    FROM pair_rules d
    LEFT JOIN LATERAL (
        SELECT SUM(p.amount) AS total, bool_or(p.amount > 0 AND p.paid_on < p.period) AS early
        FROM payers_payment p
        WHERE NOT (d.alone OR d.more)
          AND p.person_id = d.person_id AND p.period = {{period}}
          AND p.id <= %(payment_wm)s AND p.kind <> ALL(%(excluded)s)
    ) x ON true
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
        period=MONTH_START.format(i="d.mi"),
        span=ZEROS.format(n="stop - start + 1"),
        old_paid=_widened("old_paid"),
        old_prepaid=_widened("old_prepaid"),
        old_booked=_widened("old_booked"),
    )


# Rebuild, 1: the ledger per person and 64-month word (bit 63 - m %% 64 of word m / 64).
WORDS = """
CREATE TEMP TABLE coverage_fold_words ON COMMIT DROP AS
SELECT person_id, mi / 64 AS w,
       COALESCE(bit_or(1::bigint << (63 - mi %% 64)) FILTER (WHERE amount > 0), 0) AS paid,
       COALESCE(bit_or(1::bigint << (63 - mi %% 64))
                FILTER (WHERE amount > 0 AND paid_on < period), 0) AS prepaid,
       COALESCE(bit_or(1::bigint << (63 - mi %% 64)) FILTER (WHERE amount < 0), 0) AS negative,
       bit_or(1::bigint << (63 - mi %% 64)) AS booked
FROM (SELECT person_id, period, amount, paid_on, {month} AS mi
      FROM payers_payment WHERE id <= %(to_id)s AND kind <> ALL(%(excluded)s)) x
GROUP BY 1, 2
""".format(month=MONTH_OF.format(d="period"))

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

# The same when the whole ledger spans a few words (it does: one word is 5⅓ years): every
# person's strings start at the ledger's first word, one column per word, no sort.
FEW_WORDS = 8


def _from_few_words(first: int, last: int) -> str:
    def string(column):
        words = " || ".join(f"COALESCE(bit_or({column}) FILTER (WHERE w = {w}), 0)::bit(64)"
                            for w in range(first, last + 1))
        return f"({words})::varbit"

    return (f"INSERT INTO coverage_paidmonths (person_id, first_month, paid, prepaid, booked) "
            f"SELECT person_id, {64 * first}, {string('paid')}, {string('prepaid')}, "
            f"{string('booked')} FROM coverage_fold_words GROUP BY person_id")


# Rebuild, 3: a month with a negative row (a reversal) is decided by its sums in the ledger.
NEGATIVE_PAIRS = f"""
INSERT INTO coverage_fold_pairs (person_id, period, flags)
SELECT person_id, {MONTH_START.format(i="w * 64 + k")}, {LEDGER}
FROM coverage_fold_words, generate_series(0, 63) AS k
WHERE negative <> 0 AND (negative >> (63 - k)) & 1 = 1
"""


def fold_ledger(*, since: int, upto: int, rebuild: bool) -> tuple[int, float]:
    """Fold the payments with an id in (``since``, ``upto``] (all up to ``upto`` on rebuild).

    Returns (payments folded, seconds). Leaves the months to fold in the temporary
    table ``coverage_fold_pairs`` for ``assign_pairs``.
    """
    started = time.monotonic()
    params = {"from_id": 0 if rebuild else since, "to_id": upto,
              "excluded": list(NON_CONTRIBUTION_KINDS)}
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        for statement in PAIRS_TABLE:
            cursor.execute(statement)
        if rebuild:
            cursor.execute("TRUNCATE coverage_paidmonths")
            cursor.execute("DROP TABLE IF EXISTS coverage_fold_words")
            cursor.execute(WORDS, params)
            cursor.execute("SELECT MIN(w), MAX(w) FROM coverage_fold_words")
            first, last = cursor.fetchone()
            if first is not None and last - first < FEW_WORDS:
                cursor.execute(_from_few_words(first, last))
            else:
                cursor.execute(FROM_WORDS, params)
            cursor.execute(NEGATIVE_PAIRS, params)
            cursor.execute("DROP TABLE coverage_fold_words")
            cursor.execute("ANALYZE coverage_paidmonths")
        elif upto > since:
            cursor.execute(NEW_PAIRS, params)
        if cursor.rowcount > ANALYZE_AFTER:
            cursor.execute("ANALYZE coverage_fold_pairs")
    return (upto if rebuild else max(upto - since, 0)), time.monotonic() - started


def assign_pairs(run, *, assigned=None) -> None:
    """Hand the months to fold to the chunks of ``run``; every pair must find its chunk.

    ``assigned``: the chunks were made with their pairs (``recompute_sql.TOUCHED_CHUNKS``)
    and this many were handed out.
    """
    with connection.cursor() as cursor:
        if assigned is None:
            cursor.execute(ASSIGN, {"run": run.id})
            assigned = sum(n for (n,) in cursor.fetchall())
        cursor.execute("SELECT count(*) FROM coverage_fold_pairs")
        pairs = cursor.fetchone()[0]
        cursor.execute("DROP TABLE coverage_fold_pairs")
    if assigned != pairs:
        raise RuntimeError(f"{pairs - assigned} months to fold are outside every chunk.")
