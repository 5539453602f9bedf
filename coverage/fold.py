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

The statements are in ``recompute_sql`` (coverage's one module of hand-written SQL).
"""

import time

from django.db import connection

from . import recompute_sql as sql
from .rules import NON_CONTRIBUTION_KINDS

ANALYZE_AFTER = 100_000  # refresh the planner's statistics after a fold this large
# A rebuild whose ledger spans at most this many 64-month words writes every person's
# strings one column per word (``sql.from_few_words_sql``); a wider one sorts the words.
FEW_WORDS = 8


def fold_ledger(*, since: int, upto: int, rebuild: bool) -> tuple[int, float]:
    """Fold the payments with an id in (``since``, ``upto``] (all up to ``upto`` on rebuild).

    Returns (payments folded, seconds). Leaves the months to fold in the temporary
    table ``coverage_fold_pairs`` for ``assign_pairs``.
    """
    started = time.monotonic()
    params = {"from_id": 0 if rebuild else since, "to_id": upto,
              "excluded": list(NON_CONTRIBUTION_KINDS)}
    with connection.cursor() as cursor:
        cursor.execute(sql.FOLD_WORK_MEM)
        for statement in sql.PAIRS_TABLE:
            cursor.execute(statement)
        if rebuild:
            cursor.execute(sql.EMPTY_STAGING)
            cursor.execute(sql.DROP_WORDS)
            cursor.execute(sql.WORDS, params)
            cursor.execute(sql.WORD_RANGE)
            first, last = cursor.fetchone()
            if first is not None and last - first < FEW_WORDS:
                cursor.execute(sql.from_few_words_sql(first, last))
            else:
                cursor.execute(sql.FROM_WORDS, params)
            cursor.execute(sql.NEGATIVE_PAIRS, params)
            cursor.execute(sql.DROP_WORDS)
            cursor.execute(sql.ANALYZE_STAGING)
        elif upto > since:
            cursor.execute(sql.NEW_PAIRS, params)
        if cursor.rowcount > ANALYZE_AFTER:
            cursor.execute(sql.ANALYZE_PAIRS)
    return (upto if rebuild else max(upto - since, 0)), time.monotonic() - started


def assign_pairs(run, *, assigned=None) -> None:
    """Hand the months to fold to the chunks of ``run``; every pair must find its chunk.

    ``assigned``: the chunks were made with their pairs (``recompute_sql.TOUCHED_CHUNKS``)
    and this many were handed out.
    """
    with connection.cursor() as cursor:
        if assigned is None:
            cursor.execute(sql.PAIRS_INDEX)
            cursor.execute(sql.ASSIGN, {"run": run.id})
            assigned = sum(n for (n,) in cursor.fetchall())
        cursor.execute(sql.COUNT_PAIRS)
        pairs = cursor.fetchone()[0]
        cursor.execute(sql.DROP_PAIRS)
    if assigned != pairs:
        raise RuntimeError(f"{pairs - assigned} months to fold are outside every chunk.")
