"""Employers' obligations known from tax declarations, for the arrears of ``payers.arrears``.

An employer owes, for each employee and month it declared income for, the deduction
(КНП 121) and the contribution it withholds (122) that the rate schedule implies for
that income (``reconciliation.terms``: the rate, the base capped at the schedule's
maximum and raised to its minimum). ``payers.arrears`` compares them with the
payments of that employer for that person and month, and charges the penalty for
delay. Contributed through ``payers.extensions.OBLIGATION_SOURCES`` (``arrear_obligations``
below): payers knows nothing of this app and asks for one SELECT, it inserts the rows.
Limitation: the cap is applied per employer (an employee's contributions across several
employers are not summed against one cap).
"""

from django.db.models import Count, Max

from payers.extensions import ObligationSource

from .models import Declaration, DeclarationImportRun
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


def declared_obligations(*, periods):
    """``(sql, params)``: the declared lines' expected 121/122 for ``periods`` (person_id,
    payer_code, period, kind, expected); ``("", [])`` when no schedule covers them."""
    rows = _terms_rows(periods)
    if not rows:
        return "", []
    # The month's terms as a VALUES list: typed once (a NULL bound is numeric, not text).
    values = ", ".join(["(%s, %s, CAST(%s AS numeric), CAST(%s AS numeric), "
                        "CAST(%s AS numeric))"] * len(rows))
    capped = ("CASE WHEN t.max_base IS NOT NULL AND d.income > t.max_base THEN t.max_base "
              "ELSE d.income END")
    base = (f"CASE WHEN t.min_base IS NOT NULL AND ({capped}) < t.min_base THEN t.min_base "
            f"ELSE ({capped}) END")
    sql = f"""
        WITH terms (period, kind, rate, min_base, max_base) AS (VALUES {values})
        SELECT d.person_id AS person_id, d.employer_bin AS payer_code, d.period AS period,
               t.kind AS kind, ROUND(({base}) * t.rate, 2) AS expected
        FROM {Declaration._meta.db_table} d
        JOIN terms t ON t.period = d.period
        WHERE d.person_id IS NOT NULL AND d.income > 0
    """
    return sql, [value for row in rows for value in row]


def first_declared_period():
    return Declaration.objects.order_by("period").values_list("period", flat=True).first()


def declarations_mark():
    """Changes whenever declaration lines may have changed: each import run merges its lines
    (inserted or updated, ``import_run_id`` set to it) and is then marked done, so the
    number and the last id of the done runs move, and so does the last line id."""
    runs = DeclarationImportRun.objects.filter(
        status=DeclarationImportRun.Status.DONE).aggregate(n=Count("id"), last=Max("id"))
    last_line = Declaration.objects.aggregate(m=Max("id"))["m"] or 0
    return f"{runs['n']}:{runs['last'] or 0}:{last_line}"


arrear_obligations = [ObligationSource(
    name="declared income (121/122)", select=declared_obligations,
    first_period=first_declared_period, mark=declarations_mark)]
