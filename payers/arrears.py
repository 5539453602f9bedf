"""Arrears and late-payment penalties (law art. 29; order 478; DOMAIN.md §3).

Expected obligations are the fixed monthly contributions of registered
activities (entrepreneurs and private practitioners, ``payers.Activity``),
priced by the calculator month by month, and those of the sources other apps
contribute (``payers.extensions.OBLIGATION_SOURCES``): the employers' deductions
(121) and contributions (122) implied by the declared income come from the tax
declarations (``reconciliation/obligations.py``).

Due date: ``PenaltyRule.due_day`` of the month after the period. Penalty per day
of delay: ``multiplier`` × the National Bank base rate in force that day, per
the rule's day count, on the amount outstanding that day. The daily rates are
summed once into a calendar (``C(d)`` = sum of daily rates up to d), so the
penalty on an amount late from the due date to day d is amount × (C(d) − C(due)),
which the SQL computes set-based for every person and period at once. Late
payments clear the debt in date order; only the part that clears debt carries
a penalty.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction

from osms.core.locks import xact_lock
from osms.core.periods import add_months, last_day

from . import rates
from .calculator import CalculationError, calculate
from .extensions import OBLIGATION_SOURCES
from .models import Activity, Arrear, PayerType, PaymentKind, PenaltyRule, ReferenceKind

CENT = Decimal("0.01")
RATE_PLACES = Decimal("1e-12")
PRIVATE_PRACTICE_KINDS = ("notary", "bailiff", "lawyer", "mediator")


def _days_in_year(day):
    return 366 if datetime.date(day.year, 12, 31).timetuple().tm_yday == 366 else 365


def daily_rates(start: datetime.date, end: datetime.date):
    """[(day, daily penalty rate)] for every day in [start, end]."""
    base_rates = rates.reference_history(kind=ReferenceKind.NB_BASE_RATE)
    rules = list(PenaltyRule.objects.order_by("valid_from"))
    if not base_rates or not rules:
        raise rates.RateNotFound("No National Bank base rate or penalty rule is recorded.")
    result = []
    day = start
    rate_index = rule_index = -1
    while day <= end:
        while rate_index + 1 < len(base_rates) and base_rates[rate_index + 1][0] <= day:
            rate_index += 1
        while rule_index + 1 < len(rules) and rules[rule_index + 1].valid_from <= day:
            rule_index += 1
        if rate_index < 0 or rule_index < 0:
            result.append((day, Decimal(0)))
        else:
            rule = rules[rule_index]
            divisor = {"365": 365, "360": 360}.get(rule.day_count) or _days_in_year(day)
            annual = base_rates[rate_index][1] / 100
            result.append((day, (rule.multiplier * annual / divisor).quantize(RATE_PLACES)))
        day += datetime.timedelta(days=1)
    return result


def penalty_for(*, amount: Decimal, due_on: datetime.date, paid_on: datetime.date) -> Decimal:
    """The penalty on ``amount`` due on ``due_on`` and paid on ``paid_on`` (0 if on time)."""
    if paid_on <= due_on:
        return Decimal("0.00")
    days = daily_rates(due_on + datetime.timedelta(days=1), paid_on)
    return (amount * sum(rate for _day, rate in days)).quantize(CENT, rounding=ROUND_HALF_UP)


def _days_between(a, b):
    if connection.vendor == "postgresql":
        return f"({b} - {a})"
    return f"CAST(julianday({b}) - julianday({a}) AS INTEGER)"


def _temp(cursor, name, columns, rows):
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMP TABLE {name} ({columns})")
    if rows:
        marks = ", ".join(["%s"] * len(rows[0]))
        cursor.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {name}")


def _first_period(since):
    firsts = [Activity.objects.order_by("started_on").values_list("started_on", flat=True)
              .first()]
    firsts += [source.first_period() for source in OBLIGATION_SOURCES]
    firsts = [day for day in firsts if day is not None]
    if not firsts:
        return None
    return max(min(firsts), since or min(firsts)).replace(day=1)


def _months(as_of, due_day, since=None):
    """Periods whose due date is before ``as_of``, from the first obligation known."""
    period = _first_period(since)
    months = []
    while period is not None and rates.due_date(period=period, due_day=due_day) < as_of:
        months.append(period)
        period = add_months(period, 1)
    return months


def _contributed_obligations(cursor, months):
    """Insert each contributed source's SELECT of obligations for ``months``."""
    for source in OBLIGATION_SOURCES:
        sql, params = source.select(periods=months)
        if sql:
            cursor.execute("INSERT INTO arrear_obligation (person_id, payer_code, period, kind, "
                           "expected) SELECT person_id, payer_code, period, kind, expected "
                           f"FROM ({sql}) AS source", params)


def _fixed_obligations(cursor, months):
    """Entrepreneurs' and private practitioners' fixed monthly amounts, by the calculator."""
    fixed = []
    for period in months:
        end = last_day(period)
        for payer_type in (PayerType.INDIVIDUAL_ENTREPRENEUR, PayerType.PRIVATE_PRACTICE):
            try:
                expected = calculate(payer_type=payer_type, period=period, income=None).total
            except CalculationError:
                continue  # before contributions applied to this payer type
            fixed.append((period, end, payer_type, expected))
    _temp(cursor, "arrear_fixed", "period date, period_end date, payer_type text, "
          "expected numeric(14,2)", fixed)
    cursor.execute(_FIXED.format(
        practice=", ".join(f"'{k}'" for k in PRIVATE_PRACTICE_KINDS),
        entrepreneur=PayerType.INDIVIDUAL_ENTREPRENEUR,
        practice_type=PayerType.PRIVATE_PRACTICE, kind=PaymentKind.SELF_EMPLOYED))
    cursor.execute("DROP TABLE arrear_fixed")


@transaction.atomic
def arrears_recompute(*, as_of: datetime.date, since: datetime.date | None = None) -> int:
    """Replace the arrears table with the state as of ``as_of``; returns the rows written.

    ``since`` limits the periods looked at (default: from the first obligation known).
    """
    xact_lock("arrears")
    rule = rates.penalty_rule_on(day=as_of)
    months = _months(as_of, rule.due_day, since)
    Arrear.objects.all().delete()
    if not months:
        return 0
    dues = [(period, rates.due_date(period=period, due_day=rule.due_day)) for period in months]
    calendar, cumulative = [], Decimal(0)
    for day, rate in daily_rates(dues[0][1], as_of):
        cumulative += rate
        calendar.append((day, cumulative))
    cum = dict(calendar)
    with connection.cursor() as cursor:
        _temp(cursor, "arrear_due", "period date, due_on date, cum_due numeric(20,12)",
              [(period, due, cum[due]) for period, due in dues])
        _temp(cursor, "penalty_calendar", "day date, cum numeric(20,12)", calendar)
        _temp(cursor, "arrear_obligation", "person_id bigint, payer_code text, period date, "
              "kind text, expected numeric(14,2)", [])
        _fixed_obligations(cursor, months)
        _contributed_obligations(cursor, months)
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE arrear_obligation")
        cursor.execute(_SQL.format(
            own_kind=PaymentKind.SELF_EMPLOYED,
            own_kinds=f"'{PaymentKind.SELF_EMPLOYED}', '{PaymentKind.SELF_PAYER}'",
            overdue=_days_between("o.due_on", "%s"),
        ), [as_of, as_of, as_of, as_of])
        for table in ("arrear_due", "penalty_calendar", "arrear_obligation"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
    return Arrear.objects.count()  # (SQLite reports no rowcount for WITH … INSERT)


_FIXED = """
INSERT INTO arrear_obligation (person_id, payer_code, period, kind, expected)
SELECT DISTINCT a.person_id, p.iin, m.period, '{kind}', m.expected
FROM payers_activity a
JOIN payers_person p ON p.id = a.person_id
JOIN arrear_fixed m
  ON m.payer_type = CASE WHEN a.kind IN ({practice}) THEN '{practice_type}'
                         ELSE '{entrepreneur}' END
 AND a.started_on <= m.period_end
 AND (a.ended_on IS NULL OR a.ended_on >= m.period)
"""

# A fixed contribution is paid by the person (as an entrepreneur or a self-payer); a
# deduction or contribution from income by the employer (agent) that owes it.
_SQL = """
WITH obligations AS (
    SELECT b.person_id, b.payer_code, b.period, b.kind, b.expected, d.due_on, d.cum_due
    FROM arrear_obligation b JOIN arrear_due d ON d.period = b.period
),
payments AS (
    SELECT o.person_id, o.payer_code, o.period, o.kind, o.due_on, o.expected, o.cum_due,
           p.id, p.amount, p.paid_on, CASE WHEN p.paid_on > o.due_on THEN 1 ELSE 0 END AS late
    FROM obligations o
    JOIN payers_payment p
      ON p.person_id = o.person_id AND p.period = o.period AND p.paid_on <= %s
     AND ((o.kind = '{own_kind}' AND p.kind IN ({own_kinds}))
          OR (o.kind <> '{own_kind}' AND p.kind = o.kind AND p.payer_code = o.payer_code))
),
on_time AS (
    SELECT person_id, payer_code, period, kind, expected,
           SUM(CASE WHEN late = 0 THEN amount ELSE 0 END) AS paid_on_time,
           SUM(amount) AS paid, SUM(CASE WHEN late = 1 THEN amount ELSE 0 END) AS paid_late
    FROM payments GROUP BY person_id, payer_code, period, kind, expected
),
late AS (
    SELECT y.person_id, y.payer_code, y.period, y.kind, y.amount, y.paid_on, y.cum_due,
           o.expected - o.paid_on_time AS owed,
           SUM(y.amount) OVER (PARTITION BY y.person_id, y.payer_code, y.period, y.kind
                               ORDER BY y.paid_on, y.id) - y.amount AS before
    FROM payments y
    JOIN on_time o ON o.person_id = y.person_id AND o.payer_code = y.payer_code
                  AND o.period = y.period AND o.kind = y.kind
    WHERE y.late = 1
),
late_penalty AS (
    SELECT l.person_id, l.payer_code, l.period, l.kind,
           SUM(CASE WHEN l.owed - l.before <= 0 THEN 0
                    WHEN l.amount < l.owed - l.before THEN l.amount
                    ELSE l.owed - l.before END * (c.cum - l.cum_due)) AS penalty
    FROM late l JOIN penalty_calendar c ON c.day = l.paid_on
    GROUP BY l.person_id, l.payer_code, l.period, l.kind
),
totals AS (
    SELECT o.person_id, o.payer_code, o.period, o.kind, o.due_on, o.expected, o.cum_due,
           COALESCE(t.paid, 0) AS paid, COALESCE(t.paid_late, 0) AS paid_late,
           CASE WHEN o.expected > COALESCE(t.paid, 0) THEN o.expected - COALESCE(t.paid, 0)
                ELSE 0 END AS debt,
           COALESCE(lp.penalty, 0) AS late_penalty
    FROM obligations o
    LEFT JOIN on_time t ON t.person_id = o.person_id AND t.payer_code = o.payer_code
                       AND t.period = o.period AND t.kind = o.kind
    LEFT JOIN late_penalty lp ON lp.person_id = o.person_id AND lp.payer_code = o.payer_code
                             AND lp.period = o.period AND lp.kind = o.kind
)
INSERT INTO payers_arrear (person_id, payer_code, period, kind, expected, paid, paid_late,
                           debt, due_on, days_overdue, penalty, as_of)
SELECT o.person_id, o.payer_code, o.period, o.kind, o.expected, o.paid, o.paid_late, o.debt,
       o.due_on, CASE WHEN o.debt > 0 THEN {overdue} ELSE 0 END,
       ROUND(o.debt * ((SELECT cum FROM penalty_calendar WHERE day = %s) - o.cum_due)
             + o.late_penalty, 2),
       %s
FROM totals o
WHERE o.expected > 0 AND (o.debt > 0 OR o.late_penalty > 0 OR o.paid_late > 0)
"""
