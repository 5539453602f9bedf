"""A generated population with every kind of fact the status rules look at."""

import datetime
import random
from decimal import Decimal

from coverage.models import BenefitCategory, CategoryMembership, MembershipSource
from osms.core.periods import month_index, month_start
from payers.models import Citizenship, Payment, Person
from payers.validators import make_iin
from tests.factories import region

CODES = ("pensioners", "students", "disabled", "unemployed", "welfare_d", "military",
         "childcare_leave")
KINDS = ("employer_deduction", "employee_contribution", "self_payer", "self_employed",
         "state", "penalty", "civil_contract")


def generate(seed: int, size: int, around: datetime.date) -> list[Person]:
    rng = random.Random(seed)
    almaty = region("750000000")
    persons, serial = [], 0
    for n in range(size):
        if rng.random() < 0.25:
            # children and those near the 18th birthday
            born = around - datetime.timedelta(days=rng.randint(16 * 365, 19 * 365))
        else:
            born = datetime.date(rng.randint(1940, 2008), rng.randint(1, 12), rng.randint(1, 28))
        if n % 97 == 0:
            born = datetime.date(2008, 2, 29)
        iin = None
        while iin is None:
            serial += 1
            iin = make_iin(born, rng.choice("MF"), (seed * 1000 + serial) % 10000)
            if iin and Person.objects.filter(iin=iin).exists():
                iin = None
        citizenship = rng.choices(
            [c.value for c in Citizenship], weights=[80, 5, 5, 7, 3])[0]
        death = around - datetime.timedelta(days=rng.randint(-60, 400)) if rng.random() < 0.03 \
            else None
        persons.append(Person(iin=iin, last_name="Тест", first_name=str(n), region=almaty,
                              citizenship=citizenship, death_date=death))
    for person in persons:
        person.derive_from_iin()
    Person.objects.bulk_create(persons)
    persons = list(Person.objects.filter(iin__in=[p.iin for p in persons]).order_by("id"))
    categories = {c.code: c for c in BenefitCategory.objects.all()}
    memberships, payments, reversed_, doc = [], [], [], 0
    centre = month_index(around)
    for person in persons:
        for _ in range(rng.choice((0, 0, 0, 1, 2))):
            starts = around + datetime.timedelta(days=rng.randint(-900, 60))
            ends = None if rng.random() < 0.3 else starts + datetime.timedelta(
                days=rng.randint(0, 800))
            memberships.append(CategoryMembership(
                person=person, category=categories[rng.choice(CODES)], starts_on=starts,
                ends_on=ends, source=rng.choice(list(MembershipSource.values)),
                document="справка"))
        style = rng.random()
        if style < 0.2:
            continue
        if style < 0.35:  # a long continuous payer who may have stopped
            last = centre + rng.randint(-8, 1)
            months = range(last - rng.randint(50, 75), last + 1)
        else:
            months = [m for m in range(centre - 30, centre + 14) if rng.random() < 0.6]
        for index in months:
            doc += 1
            period = month_start(index)
            paid_on = period + datetime.timedelta(days=rng.randint(-70, 70))
            kind = "employer_deduction" if style < 0.35 else rng.choice(KINDS)
            payments.append(Payment(
                person=person, iin=person.iin, payer_code=person.iin, period=period,
                kind=kind, knp="122", amount=Decimal("4250.00"), paid_on=paid_on,
                document_no=f"G{seed}-{doc}"))
            if style >= 0.35 and rng.random() < 0.05:  # a reversal cancelling the month
                reversed_.append(payments[-1])
    CategoryMembership.objects.bulk_create(memberships, ignore_conflicts=True)
    Payment.objects.bulk_create(payments)
    Payment.objects.bulk_create([
        Payment(person_id=p.person_id, iin=p.iin, payer_code=p.payer_code, period=p.period,
                kind=p.kind, knp=p.knp, amount=-p.amount, paid_on=p.paid_on, reverses=p,
                document_no=f"R{p.document_no}", note="reversal")
        for p in reversed_
    ])
    return persons
