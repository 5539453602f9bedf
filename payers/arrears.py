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
import hashlib
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from osms.core.changes import settled_moment
from osms.core.locks import xact_lock
from osms.core.periods import add_months, first_of_month, last_day

from . import payers_sql as sql
from . import rates
from .calculator import CalculationError, calculate
from .extensions import OBLIGATION_SOURCES
from .ledger import settled_payment_watermark
from .models import (
    Activity,
    Arrear,
    ArrearsRun,
    PayerType,
    PaymentKind,
    PenaltyRule,
    Person,
    ReferenceKind,
)
from .selectors import persons_paid_since

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


def _fixed_amounts(months):
    """[(period, period end, payer type, fixed amount)]: the calculator's monthly amounts of
    entrepreneurs and private practitioners (those of payer types not yet contributing left
    out)."""
    fixed = []
    for period in months:
        end = last_day(period)
        for payer_type in (PayerType.INDIVIDUAL_ENTREPRENEUR, PayerType.PRIVATE_PRACTICE):
            try:
                expected = calculate(payer_type=payer_type, period=period, income=None).total
            except CalculationError:
                continue  # before contributions applied to this payer type
            fixed.append((period, end, payer_type, expected))
    return fixed


def _fixed_obligations(cursor, fixed, persons=False):
    """Entrepreneurs' and private practitioners' fixed monthly amounts, by the calculator."""
    sql.fill_temp_table(cursor, sql.ARREAR_FIXED, fixed)
    cursor.execute(sql.fixed_obligations_sql(
        practice_kinds=PRIVATE_PRACTICE_KINDS, entrepreneur=PayerType.INDIVIDUAL_ENTREPRENEUR,
        practice_type=PayerType.PRIVATE_PRACTICE, kind=PaymentKind.SELF_EMPLOYED,
        persons=persons))
    sql.drop_table(cursor, sql.ARREAR_FIXED)


def _contributed_obligations(cursor, selects, persons=False):
    """Insert each contributed source's SELECT of obligations."""
    for select, params in selects:
        if select:
            cursor.execute(sql.contributed_obligations_sql(select, persons=persons), params)


class _Inputs:
    """Everything small a rebuild as of ``as_of`` prices with: the periods due and their due
    dates, the penalty calendar, the fixed amounts and the sources' SELECTs (with the rates
    of their schedules as parameters). Its ``digest`` changes when any rate, rule or
    schedule that the arrears as of that day depend on changes."""

    def __init__(self, as_of, since=None):
        rule = rates.penalty_rule_on(day=as_of)
        self.months = _months(as_of, rule.due_day, since)
        self.dues = [(period, rates.due_date(period=period, due_day=rule.due_day))
                     for period in self.months]
        self.calendar, cumulative = [], Decimal(0)
        if self.months:
            for day, rate in daily_rates(self.dues[0][1], as_of):
                cumulative += rate
                self.calendar.append((day, cumulative))
        self.fixed = _fixed_amounts(self.months) if self.months else []
        self.selects = ([source.select(periods=self.months) for source in OBLIGATION_SOURCES]
                        if self.months else [])

    @property
    def digest(self):
        text = repr((self.dues, self.calendar, self.fixed, self.selects))
        return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def _rebuild(*, as_of, since=None, persons=None, inputs=None) -> int:
    """The table (or ``persons``' rows) rebuilt as of ``as_of``; returns the rows written."""
    xact_lock("arrears")
    inputs = inputs or _Inputs(as_of, since)
    if persons is not None and Arrear.objects.exclude(as_of=as_of).exists():
        persons = None
    if persons is None:
        Arrear.objects.all().delete()
    else:
        persons = sorted(set(persons))
        Arrear.objects.filter(person_id__in=persons).delete()
    if not inputs.months or persons == []:
        return 0
    cum = dict(inputs.calendar)
    with connection.cursor() as cursor:
        sql.fill_temp_table(cursor, sql.ARREAR_DUE,
                            [(period, due, cum[due]) for period, due in inputs.dues])
        sql.fill_temp_table(cursor, sql.PENALTY_CALENDAR, inputs.calendar)
        sql.fill_temp_table(cursor, sql.ARREAR_OBLIGATION, [])
        only = persons is not None
        if only:
            sql.fill_temp_table(cursor, sql.ARREAR_PERSON, [(pk,) for pk in persons])
        _fixed_obligations(cursor, inputs.fixed, persons=only)
        _contributed_obligations(cursor, inputs.selects, persons=only)
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


def _activity_mark():
    """Moves with every activity inserted or deleted, also by writes that leave no history
    row (the demo's bulk copy); edits are found by their history rows."""
    figures = Activity.objects.aggregate(n=Count("id"), last=Max("id"))
    return f"{figures['n']}:{figures['last'] or 0}"


def _source_marks():
    """{source name: mark}, or None when a source cannot tell what changed."""
    marks = {}
    for source in OBLIGATION_SOURCES:
        if source.mark is None:
            return None
        marks[source.name] = source.mark()
    return marks


def _registry_changed_persons(since):
    """The persons whose registry row or activities were written from ``since`` on (found by
    their history rows, through the index on the history date)."""
    changed = set(Activity.history.filter(history_date__gte=since)
                  .values_list("person_id", flat=True).distinct())
    changed |= set(Person.history.filter(history_date__gte=since)
                   .values_list("id", flat=True).distinct())
    return changed


def _why_full(previous, *, as_of, inputs, activity_mark, source_marks):
    """'' when the table may be brought up to date for the changed persons only, else why
    not."""
    if previous is not None and previous.since is not None:
        return "the last run rebuilt only later periods"
    if previous is None or previous.payment_watermark is None or previous.changes_until is None:
        return "no earlier run to continue from"
    if previous.as_of != as_of:
        # Penalties accrue by the day: every row with a debt changes (days overdue, penalty)
        # and a period falling due adds rows for persons who paid nothing new.
        return "another day"
    if source_marks is None:
        return "an obligation source cannot tell what changed"
    if source_marks != previous.source_marks:
        return "obligation source data changed"
    if activity_mark != previous.activity_mark:
        return "activities added or deleted in bulk"
    if inputs.digest != previous.inputs_digest:
        return "rates, rules or schedules changed"
    if Arrear.objects.exclude(as_of=as_of).exists():
        return "the table was rebuilt as of another day since"
    return ""


def arrears_recompute(*, as_of: datetime.date, since: datetime.date | None = None,
                      persons=None, full: bool = True) -> int:
    """Bring the arrears table to the state as of ``as_of``; returns the rows written.

    ``since`` limits the periods looked at (default: from the first obligation known).
    ``persons`` (ids): rebuild only these persons' rows, leaving every other row as it is —
    when the table is already as of ``as_of`` (penalties accrue by the day, so a table as
    of another day is rebuilt whole).

    The whole table (no ``persons``, no ``since``) is recorded as an ``ArrearsRun``: the
    payments it covered (``payers.ledger.settled_payment_watermark``), the registry changes
    (``osms.core.changes.settled_moment("registry")``), the obligation sources' marks and
    the digest of the rates and rules. With ``full=False`` (the nightly job) it rebuilds
    only the persons changed since the last run — paid since its watermark, or with
    registry or activity history rows since its moment — when that gives the table a full
    rebuild would: the last run was as of the same day, the sources' data, the activities'
    count and the rates and rules are as they were. Otherwise it rebuilds everything.

    Why "as of the same day": the arrears are a state as of a date. A row with a debt
    changes every day though nobody paid (``days_overdue``, and the penalty on the debt up
    to ``as_of``), and when a period falls due every person who owes it gains a row. So a
    run as of a new day — the nightly job's usual case — rebuilds the whole table; the
    incremental path serves runs as of a day the table is already as of (a payments file
    posted during the day, the operator's "recompute", a retried job). docs/scale.md.
    """
    if persons is not None:
        return _rebuild(as_of=as_of, persons=persons)
    if since is not None:  # recorded, so that the next run knows the table is partial
        with transaction.atomic():
            rows = _rebuild(as_of=as_of, since=since)
            ArrearsRun.objects.create(as_of=as_of, since=since, mode=ArrearsRun.Mode.FULL,
                                      rows=rows, reason="periods from a date",
                                      finished_at=timezone.now())
        return rows
    # Read before the rebuild's transaction (each takes its lock exclusively for a moment):
    # every payment up to the watermark, and every registry change stamped before the
    # moment, is committed, so the rebuild sees them all and the next run starts after.
    watermark = settled_payment_watermark()
    moment = settled_moment("registry")
    with transaction.atomic():
        xact_lock("arrears")
        previous = ArrearsRun.objects.order_by("-id").first()
        inputs = _Inputs(as_of)
        activity_mark, source_marks = _activity_mark(), _source_marks()
        reason = "asked for" if full else _why_full(
            previous, as_of=as_of, inputs=inputs, activity_mark=activity_mark,
            source_marks=source_marks)
        run = ArrearsRun(as_of=as_of, payment_watermark=watermark, changes_until=moment,
                         activity_mark=activity_mark, source_marks=source_marks or {},
                         inputs_digest=inputs.digest, reason=reason[:200])
        if reason:
            run.mode = ArrearsRun.Mode.FULL
            run.rows = _rebuild(as_of=as_of, inputs=inputs)
        else:
            changed = set(persons_paid_since(after_id=previous.payment_watermark))
            changed |= _registry_changed_persons(previous.changes_until)
            run.mode, run.persons = ArrearsRun.Mode.INCREMENTAL, len(changed)
            run.rows = _rebuild(as_of=as_of, persons=changed, inputs=inputs) if changed else 0
        run.finished_at = timezone.now()
        run.save()
    return run.rows


def arrears_after_payments(*, as_of: datetime.date, after_id: int) -> int:
    """The arrears rebuilt for the persons with payments posted after payment ``after_id``
    only (a month's file posted: its persons), as of ``as_of``; returns the rows written."""
    return arrears_recompute(as_of=as_of, persons=persons_paid_since(after_id=after_id))
