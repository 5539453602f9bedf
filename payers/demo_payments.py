"""Demo payments: ~24 months of plausible contributions for the demo registry.

Employers pay 121/122 for their employees (incomes drawn once per employee,
priced by the calculator), entrepreneurs and private practitioners their fixed
monthly amount, a few self-payers pay or prepay; some pay late, some skip months
(arrears and penalties), a few pay for ИИН not in the registry (suspense) and a
few rows are malformed (rejects). The rows go through the real import path
(a CSV file → ``payment_import``), then arrears are computed. Deterministic for
``rng``.
"""

import datetime
import os
import tempfile
from decimal import Decimal

from osms.core.periods import add_months, last_day

from .arrears import arrears_recompute
from .calculator import CalculationError, calculate
from .imports import payment_import
from .models import Activity, Employment, ImportRun, Person
from .validators import make_iin

MONTHS = 24
HEADER = "payer_id,iin,last_name,first_name,period,knp,amount,paid_on,document_no\n"


def _paid_on(rng, period, today, late):
    following = add_months(period, 2 if late else 1)
    day = following.replace(day=rng.randint(3, 28 if late else 24))
    return min(day, today)


class _Prices:
    """Calculator results cached per (payer type, period, income)."""

    def __init__(self):
        self.cache = {}

    def get(self, payer_type, period, income=None):
        key = (payer_type, period, income)
        if key not in self.cache:
            try:
                result = calculate(payer_type=payer_type, period=period, income=income)
                self.cache[key] = {line.kind: line.amount for line in result.lines}
            except CalculationError:
                self.cache[key] = {}
        return self.cache[key]


def _periods(today):
    """The ``MONTHS`` months before the month of ``today``, oldest first."""
    return [add_months(today, -back) for back in range(MONTHS, 0, -1)]


def _employee_rows(rng, periods, today, prices):
    employments = Employment.objects.select_related("employer", "employee").filter(
        employee__death_date__isnull=True).order_by("id")
    for employment in employments.iterator(chunk_size=5000):
        person, employer = employment.employee, employment.employer
        income = Decimal(rng.choice([120, 180, 250, 320, 400, 550, 700, 900, 1300, 2100])
                         * 1000)
        skips = rng.random() < 0.05
        for period in periods:
            if employment.started_on > last_day(period) or (
                    employment.ended_on and employment.ended_on < period):
                continue
            if skips and rng.random() < 0.3:
                continue
            amounts = prices.get("employee", period, income)
            paid_on = _paid_on(rng, period, today, late=rng.random() < 0.04)
            doc = f"{employer.bin[-6:]}-{period:%Y%m}"
            for knp, kind in (("121", "employer_deduction"), ("122", "employee_contribution")):
                if amounts.get(kind):
                    yield (employer.bin, person.iin, person.last_name, person.first_name,
                           f"{period:%m%Y}", knp, amounts[kind], paid_on, doc)


def _own_rows(rng, periods, today, prices):
    activities = Activity.objects.select_related("person").filter(
        person__death_date__isnull=True).order_by("id")
    for activity in activities.iterator(chunk_size=5000):
        person = activity.person
        payer_type = ("individual_entrepreneur" if activity.kind == "individual_entrepreneur"
                      else "private_practice")
        habit = rng.random()  # most pay on time, some late, some stop paying
        for period in periods:
            if activity.started_on > last_day(period) or (
                    activity.ended_on and activity.ended_on < period):
                continue
            if habit > 0.85 and period >= periods[-6]:
                continue  # stopped paying: arrears and penalties
            amount = prices.get(payer_type, period).get("self_employed_contribution")
            if amount:
                yield (person.iin, person.iin, person.last_name, person.first_name,
                       f"{period:%m%Y}", "122", amount,
                       _paid_on(rng, period, today,
                                late=0.7 < habit <= 0.85 and rng.random() < 0.5),
                       f"S{person.iin}-{period:%Y%m}")


def _self_payer_rows(rng, periods, today, prices):
    busy = set(Employment.objects.values_list("employee_id", flat=True))
    busy |= set(Activity.objects.values_list("person_id", flat=True))
    adults = Person.objects.filter(death_date__isnull=True,
                                   birth_date__lte=today - datetime.timedelta(days=19 * 365),
                                   birth_date__gte=today - datetime.timedelta(days=62 * 365))
    for person in adults.order_by("id").iterator(chunk_size=5000):
        if person.id in busy or rng.random() > 0.06:
            continue
        start = rng.randrange(len(periods))
        for period in periods[start:]:
            if rng.random() < 0.15:
                continue  # a gap
            amount = prices.get("self_payer", period).get("self_payer_contribution")
            if amount:
                yield (person.iin, person.iin, person.last_name, person.first_name,
                       f"{period:%m%Y}", "122", amount, _paid_on(rng, period, today, False),
                       f"S{person.iin}-{period:%Y%m}")


def _odd_rows(rng, periods, today):
    """A few payments for ИИН not in the registry (suspense) and malformed rows (rejects)."""
    known = set(Person.objects.values_list("iin", flat=True))
    serial, made = 9000, 0
    while made < 5:
        iin = make_iin(datetime.date(1990 + made, 3, 14), "F", serial)
        serial += 1
        if iin and iin not in known:
            made += 1
            yield (iin, iin, "Неизвестная", "Айжан", f"{periods[-1]:%m%Y}", "122", "4250.00",
                   today, f"S{iin}-X")
    yield ("120540000011", "871008401428", "Ошибка", "ИИН", f"{periods[-1]:%m%Y}", "121",
           "9000.00", today, "PP-BAD-1")
    yield ("120540000011", "871008401427", "Ошибка", "Сумма", f"{periods[-1]:%m%Y}", "121",
           "-9000.00", today, "PP-BAD-2")


def seed_payments(*, rng, today, stdout=None):
    """Write and import the demo payment file; returns the import run."""
    periods = _periods(today)
    prices = _Prices()
    handle, path = tempfile.mkstemp(suffix=".csv", prefix="demo-payments-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(HEADER)
            for source in (_employee_rows(rng, periods, today, prices),
                           _own_rows(rng, periods, today, prices),
                           _self_payer_rows(rng, periods, today, prices),
                           _odd_rows(rng, periods, today)):
                out.writelines(",".join(str(v) for v in row) + "\n" for row in source)
        run = payment_import(path=path, source=ImportRun.Source.COMMAND)
    finally:
        os.unlink(path)
    arrears = arrears_recompute(as_of=today, since=periods[0])
    if stdout is not None:
        stdout.write(f"payments: {run.loaded} posted, {run.suspense} in suspense, "
                     f"{run.rejected} rejected; {arrears} arrears rows")
    return run
