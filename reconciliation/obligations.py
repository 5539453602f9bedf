"""Employers' obligations known from tax declarations, for the arrears of ``payers.arrears``.

An employer owes, for each employee and month it declared income for, the deduction
(КНП 121) and the contribution it withholds (122) that the rate schedule implies for
that income (``reconciliation.terms``: the rate, the base capped at the schedule's
maximum and raised to its minimum). ``payers.arrears`` compares them with the
payments of that employer for that person and month, and charges the penalty for
delay. Registered in ``ReconciliationConfig.ready`` (payers knows nothing of this app).
Limitation: the cap is applied per employer (an employee's contributions across several
employers are not summed against one cap).
"""

from .models import Declaration
from .terms import TermsError, employee_terms


def _terms_rows(periods):
    rows = []
    for period in periods:
        try:
            terms = employee_terms(period)
        except TermsError:
            continue  # no schedule for the month: nothing can be expected
        for kind, term in terms.items():
            if term.rate > 0:
                rows.append((period, kind, term.rate, term.min_base, term.max_base))
    return rows


def declared_obligations(cursor, *, periods):
    """Insert the declared lines' expected 121/122 of ``periods`` into ``arrear_obligation``."""
    rows = _terms_rows(periods)
    if not rows:
        return
    cursor.execute("DROP TABLE IF EXISTS arrear_declared_terms")
    cursor.execute("CREATE TEMP TABLE arrear_declared_terms (period date, kind text, "
                   "rate numeric(8,6), min_base numeric(14,2), max_base numeric(14,2))")
    cursor.executemany("INSERT INTO arrear_declared_terms VALUES (%s, %s, %s, %s, %s)", rows)
    capped = "CASE WHEN t.max_base IS NOT NULL AND d.income > t.max_base THEN t.max_base " \
             "ELSE d.income END"
    base = f"CASE WHEN t.min_base IS NOT NULL AND ({capped}) < t.min_base THEN t.min_base " \
           f"ELSE ({capped}) END"
    cursor.execute(f"""
        INSERT INTO arrear_obligation (person_id, payer_code, period, kind, expected)
        SELECT d.person_id, d.employer_bin, d.period, t.kind, ROUND(({base}) * t.rate, 2)
        FROM {Declaration._meta.db_table} d
        JOIN arrear_declared_terms t ON t.period = d.period
        WHERE d.person_id IS NOT NULL AND d.income > 0
    """)
    cursor.execute("DROP TABLE arrear_declared_terms")


def _first_period():
    return Declaration.objects.order_by("period").values_list("period", flat=True).first()


declared_obligations.first_period = _first_period
