"""Employers' arrears from declared income: 121/122 expected by the schedule, penalties."""

import datetime
from decimal import Decimal

import pytest

from payers.arrears import arrears_recompute, penalty_for
from payers.models import Arrear, Payment
from reconciliation.models import Declaration, DeclarationImportRun
from tests.factories import ActivityFactory, OrganisationFactory, PersonFactory

from .helpers import D121, D122, JAN, KNP

pytestmark = pytest.mark.django_db
D = datetime.date
DUE = D(2026, 2, 25)  # January is due by the 25th of February


def declare(employer, person, income, period=JAN):
    run = DeclarationImportRun.objects.create(file_name="d.csv", checksum="x",
                                              source="command", status="done")
    zero = Decimal("0")
    return Declaration.objects.create(
        employer_bin=employer.bin, iin=person.iin, period=period, income=Decimal(income),
        osms_deduction=zero, osms_contribution=zero, ipn=zero, social_tax=zero, opv=zero,
        so=zero, employer=employer, person=person, import_run=run, row_no=2)


def pay(person, payer_code, kind, amount, paid_on, period=JAN):
    return Payment.objects.create(
        person=person, iin=person.iin, payer_code=payer_code, period=period, kind=kind,
        knp=KNP[kind], amount=Decimal(amount), paid_on=paid_on,
        document_no=f"PP-{person.pk}-{kind}-{paid_on}")


def test_declared_income_gives_the_expected_121_and_122_and_the_penalty_for_delay():
    employer = OrganisationFactory()
    punctual, late, unpaid = PersonFactory(), PersonFactory(), PersonFactory()
    for person in (punctual, late):
        declare(employer, person, "300000")
    declare(employer, unpaid, "2000000")  # docs/domain.md §3: 2026 caps → 60 000 and 34 000
    pay(punctual, employer.bin, D121, "9000.00", D(2026, 2, 20))
    pay(punctual, employer.bin, D122, "6000.00", D(2026, 2, 20))
    pay(late, employer.bin, D121, "9000.00", D(2026, 3, 10))
    pay(late, employer.bin, D122, "4000.00", D(2026, 2, 20))  # 2 000 short
    arrears_recompute(as_of=D(2026, 3, 31))
    rows = {(a.person_id, a.kind): a for a in Arrear.objects.all()}
    assert (punctual.pk, D121) not in rows and (punctual.pk, D122) not in rows
    late_121 = rows[(late.pk, D121)]
    assert (late_121.expected, late_121.paid_late, late_121.debt) == (
        Decimal("9000.00"), Decimal("9000.00"), 0)
    assert late_121.payer_code == employer.bin and late_121.due_on == DUE
    assert late_121.penalty == penalty_for(amount=Decimal("9000"), due_on=DUE,
                                           paid_on=D(2026, 3, 10))
    late_122 = rows[(late.pk, D122)]
    assert (late_122.expected, late_122.paid, late_122.debt) == (
        Decimal("6000.00"), Decimal("4000.00"), Decimal("2000.00"))
    assert late_122.days_overdue == 34
    assert late_122.penalty == penalty_for(amount=Decimal("2000"), due_on=DUE,
                                           paid_on=D(2026, 3, 31))
    assert rows[(unpaid.pk, D121)].debt == Decimal("60000.00")
    assert rows[(unpaid.pk, D122)].debt == Decimal("34000.00")


def test_a_payment_by_another_employer_does_not_settle_the_declaring_one():
    declaring, other = OrganisationFactory(), OrganisationFactory()
    person = PersonFactory()
    declare(declaring, person, "850000")
    pay(person, other.bin, D121, "25500.00", D(2026, 2, 20))
    arrears_recompute(as_of=D(2026, 3, 1))
    row = Arrear.objects.get(person=person, kind=D121)
    assert (row.payer_code, row.expected, row.paid, row.debt) == (
        declaring.bin, Decimal("25500.00"), 0, Decimal("25500.00"))


def test_declared_and_fixed_obligations_side_by_side_and_december_2025_caps():
    employer = OrganisationFactory()
    entrepreneur = ActivityFactory(started_on=D(2025, 12, 1)).person
    employee = PersonFactory()
    declare(employer, employee, "1200000", period=D(2025, 12, 1))  # 10 МЗП cap in 2025
    arrears_recompute(as_of=D(2026, 1, 31))
    rows = {(a.person_id, a.kind): a.expected for a in Arrear.objects.all()}
    assert rows == {(employee.pk, D121): Decimal("25500.00"),
                    (employee.pk, D122): Decimal("17000.00"),
                    (entrepreneur.pk, "self_employed"): Decimal("5950.00")}
