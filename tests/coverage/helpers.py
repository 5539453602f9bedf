"""Small builders for coverage tests: payments in the ledger, memberships."""

import itertools
from decimal import Decimal

from coverage.models import BenefitCategory, CategoryMembership
from osms.core.periods import add_months, first_of_month
from payers.models import Payment

_documents = itertools.count(1)

KNP = {"employer_deduction": "121", "employee_contribution": "122", "self_payer": "122",
       "self_employed": "122", "state": "000", "penalty": "124", "local_budget": "000"}


def pay(person, period, *, paid_on=None, amount="4250.00", kind="self_payer"):
    """Post one payment for ``person`` for the month ``period`` (a date in that month)."""
    period = first_of_month(period)
    if paid_on is None:
        paid_on = add_months(period, 1).replace(day=20)
    return Payment.objects.create(
        person=person, iin=person.iin, payer_code=person.iin, period=period, kind=kind,
        knp=KNP[kind], amount=Decimal(amount), paid_on=paid_on,
        document_no=f"T{next(_documents):08d}",
    )


def pay_months(person, first, last, **kwargs):
    """Pay every month from ``first`` to ``last`` (inclusive), each on time."""
    month = first_of_month(first)
    payments = []
    while month <= last:
        payments.append(pay(person, month, **kwargs))
        month = add_months(month, 1)
    return payments


def member(person, code, starts_on, ends_on=None, **kwargs):
    return CategoryMembership.objects.create(
        person=person, category=BenefitCategory.objects.get(code=code), starts_on=starts_on,
        ends_on=ends_on, **kwargs)
