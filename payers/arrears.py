"""Arrears and late-payment penalties (law art. 29; order 478; docs/domain.md §3).

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
from osms.core.periods import add_months, first_of_month, last_day

from . import payers_sql as sql
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


def _first_period(since):
    firsts = [Activity.objects.order_by("started_on").values_list("started_on", flat=True)
              .first()]
    firsts += [source.first_period() for source in OBLIGATION_SOURCES]
    firsts = [day for day in firsts if day is not None]
    if not firsts:
        return None
    return first_of_month(max(min(firsts), since or min(firsts)))


def _months(as_of, due_day, since=None):
    """Periods whose due date is before ``as_of``, from the first obligation known."""
    period = _first_period(since)
    months = []
    while period is not None and rates.due_date(period=period, due_day=due_day) < as_of:
        months.append(period)
        period = add_months(period, 1)
    return months


def _fixed_obligations(cursor, months, persons=False):
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
    sql.fill_temp_table(cursor, sql.ARREAR_FIXED, fixed)
    cursor.execute(sql.fixed_obligations_sql(
        practice_kinds=PRIVATE_PRACTICE_KINDS, entrepreneur=PayerType.INDIVIDUAL_ENTREPRENEUR,
        practice_type=PayerType.PRIVATE_PRACTICE, kind=PaymentKind.SELF_EMPLOYED,
        persons=persons))
    sql.drop_table(cursor, sql.ARREAR_FIXED)


def _contributed_obligations(cursor, months, persons=False):
    """Insert each contributed source's SELECT of obligations for ``months``."""
    for source in OBLIGATION_SOURCES:
        select, params = source.select(periods=months)
        if select:
            cursor.execute(sql.contributed_obligations_sql(select, persons=persons), params)


@transaction.atomic
def arrears_recompute(*, as_of: datetime.date, since: datetime.date | None = None,
                      persons=None) -> int:
    """Replace the arrears table with the state as of ``as_of``; returns the rows written.

    ``since`` limits the periods looked at (default: from the first obligation known).
    ``persons`` (ids): rebuild only these persons' rows, leaving every other row as it is —
    when the table is already as of ``as_of`` (penalties accrue by the day, so a table as
    of another day is rebuilt whole).
    """
    xact_lock("arrears")
    rule = rates.penalty_rule_on(day=as_of)
    months = _months(as_of, rule.due_day, since)
    if persons is not None and Arrear.objects.exclude(as_of=as_of).exists():
        persons = None
    if persons is None:
        Arrear.objects.all().delete()
    else:
        persons = sorted(set(persons))
        Arrear.objects.filter(person_id__in=persons).delete()
    if not months or persons == []:
        return 0
    dues = [(period, rates.due_date(period=period, due_day=rule.due_day)) for period in months]
    calendar, cumulative = [], Decimal(0)
    for day, rate in daily_rates(dues[0][1], as_of):
        cumulative += rate
        calendar.append((day, cumulative))
    cum = dict(calendar)
    with connection.cursor() as cursor:
        sql.fill_temp_table(cursor, sql.ARREAR_DUE,
                            [(period, due, cum[due]) for period, due in dues])
        sql.fill_temp_table(cursor, sql.PENALTY_CALENDAR, calendar)
        sql.fill_temp_table(cursor, sql.ARREAR_OBLIGATION, [])
        only = persons is not None
        if only:
            sql.fill_temp_table(cursor, sql.ARREAR_PERSON, [(pk,) for pk in persons])
        _fixed_obligations(cursor, months, persons=only)
        _contributed_obligations(cursor, months, persons=only)
        sql.analyze(cursor, sql.ARREAR_OBLIGATION)
        cursor.execute(sql.arrears_sql(
            own_kind=PaymentKind.SELF_EMPLOYED,
            own_kinds=(PaymentKind.SELF_EMPLOYED, PaymentKind.SELF_PAYER),
        ), [as_of, as_of, as_of, as_of])
        for table in (sql.ARREAR_DUE, sql.PENALTY_CALENDAR, sql.ARREAR_OBLIGATION,
                      sql.ARREAR_PERSON):
            sql.drop_table(cursor, table)
    written = Arrear.objects if persons is None else Arrear.objects.filter(
        person_id__in=persons)
    return written.count()  # (SQLite reports no rowcount for WITH … INSERT)


def arrears_after_payments(*, as_of: datetime.date, after_id: int) -> int:
    """The arrears rebuilt for the persons with payments posted after payment ``after_id``
    only (a month's file posted: its persons), as of ``as_of``; returns the rows written."""
    from .selectors import persons_paid_since

    return arrears_recompute(as_of=as_of, persons=persons_paid_since(after_id=after_id))
