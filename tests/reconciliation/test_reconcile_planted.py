"""Done when: a month with one planted discrepancy of every type is reconciled, each is
found with the right type and amount, and nothing else is flagged (January 2026:
employer 3 % capped at 40 МЗП, employee 2 % capped at 20 МЗП, МЗП 85 000)."""

import datetime
from decimal import Decimal

import pytest

from payers.calculator import calculate
from payers.models import Person
from payers.validators import make_iin
from reconciliation.models import Discrepancy, ReconciliationRun
from reconciliation.reconcile import reconcile_period
from tests.factories import OrganisationFactory, PersonFactory, region

from .helpers import declaration_line, import_lines, pay, pay_both

JAN = datetime.date(2026, 1, 1)
DEC = datetime.date(2025, 12, 1)
D121, D122 = "employer_deduction", "employee_contribution"


@pytest.fixture
def month(db):
    """Declarations and payments for January 2026 with every discrepancy type planted."""
    almaty_employer = OrganisationFactory(region=region("750000000"))
    astana_employer = OrganisationFactory(region=region("710000000"))
    a = almaty_employer
    p = {n: PersonFactory() for n in range(1, 15)}
    unknown_iin = make_iin(datetime.date(1990, 5, 5), "M", 4242)
    assert not Person.objects.filter(iin=unknown_iin).exists()
    lines = [
        # 1 clean; 2 clean above both caps (5 000 000 → 102 000 and 34 000)
        declaration_line(a.bin, p[1].iin, JAN, "300000", "9000", "6000", opv="30000"),
        declaration_line(a.bin, p[2].iin, JAN, "5000000", "102000", "34000", opv="42500"),
        # 3 deductions declared, not paid (contributions paid)
        declaration_line(a.bin, p[3].iin, JAN, "400000", "12000", "8000"),
        # 4 deductions underpaid by 5 000
        declaration_line(a.bin, p[4].iin, JAN, "500000", "15000", "10000"),
        # 5 contributions overpaid by 500
        declaration_line(a.bin, p[5].iin, JAN, "200000", "6000", "4000"),
        # 7 deductions paid as December (not declared for December)
        declaration_line(a.bin, p[7].iin, JAN, "250000", "7500", "5000"),
        # unknown ИИН
        declaration_line(a.bin, unknown_iin, JAN, "100000", "3000", "2000"),
        # 9 deductions at 2 % instead of 3 %
        declaration_line(a.bin, p[9].iin, JAN, "300000", "6000", "6000"),
        # 10 the 2025 caps (10 МЗП) applied in 2026: 25 500 and 17 000 instead of 60 000 and 34 000
        declaration_line(a.bin, p[10].iin, JAN, "2000000", "25500", "17000"),
        # 11 pension contributions and income tax declared, no ОСМС contribution
        declaration_line(a.bin, p[11].iin, JAN, "350000", "10500", "0", ipn="31500", opv="35000"),
        # 12 paid 50 tiyn short: within the 1 ₸ tolerance
        declaration_line(a.bin, p[12].iin, JAN, "300000", "9000", "6000"),
        # 13 clean at another employer (Astana); 14 clean after a reversal and a re-payment
        declaration_line(astana_employer.bin, p[13].iin, JAN, "150000", "4500", "3000"),
        declaration_line(a.bin, p[14].iin, JAN, "300000", "9000", "6000"),
    ]
    run = import_lines(lines)
    assert (run.status, run.inserted, run.rejected) == ("done", 13, 0)
    pay_both(p[1], a, JAN, "9000", "6000")
    pay_both(p[2], a, JAN, "102000", "34000")
    pay(p[3], a, JAN, D122, "8000")
    pay_both(p[4], a, JAN, "10000", "10000")
    pay_both(p[5], a, JAN, "6000", "4500")
    pay_both(p[6], a, JAN, "3000", "2000")  # 6: paid, nothing declared
    pay(p[7], a, DEC, D121, "7500")
    pay(p[7], a, JAN, D122, "5000")
    pay_both(p[9], a, JAN, "6000", "6000")
    pay_both(p[10], a, JAN, "25500", "17000")
    pay(p[11], a, JAN, D121, "10500")
    pay_both(p[12], a, JAN, "8999.50", "6000")
    pay_both(p[13], astana_employer, JAN, "4500", "3000")
    wrong = pay(p[14], a, JAN, D121, "9000")
    pay(p[14], a, JAN, D121, "-9000", reverses=wrong)
    pay_both(p[14], a, JAN, "9000", "6000")
    return {"employer": a, "astana": astana_employer, "p": p, "unknown_iin": unknown_iin}


def found(period=JAN):
    return {
        (d.iin, d.kind, d.type): (d.amount, d.other_period)
        for d in Discrepancy.objects.filter(period=period)
    }


def test_every_planted_discrepancy_is_found_with_its_amount_and_nothing_else(month):
    p = month["p"]
    run = reconcile_period(period=JAN)
    assert run.status == ReconciliationRun.Status.DONE
    assert found() == {
        (p[3].iin, D121, "declared_not_paid"): (Decimal("12000.00"), None),
        (p[4].iin, D121, "underpaid"): (Decimal("5000.00"), None),
        (p[5].iin, D122, "overpaid"): (Decimal("500.00"), None),
        (p[6].iin, D121, "paid_not_declared"): (Decimal("3000.00"), None),
        (p[6].iin, D122, "paid_not_declared"): (Decimal("2000.00"), None),
        (p[7].iin, D121, "paid_other_period"): (Decimal("7500.00"), DEC),
        (month["unknown_iin"], "", "unknown_iin"): (Decimal("5000.00"), None),
        (p[9].iin, D121, "rate_misapplied"): (Decimal("3000.00"), None),
        (p[10].iin, D121, "rate_misapplied"): (Decimal("34500.00"), None),
        (p[10].iin, D122, "rate_misapplied"): (Decimal("17000.00"), None),
        (p[11].iin, D122, "cross_tax"): (Decimal("7000.00"), None),
    }
    assert run.found == 11 and run.new == 11 and run.declarations == 13
    assert run.by_type["rate_misapplied"] == 3


def test_region_and_parties_of_the_discrepancies(month):
    reconcile_period(period=JAN)
    unknown = Discrepancy.objects.get(type="unknown_iin")
    assert unknown.person is None and unknown.employer == month["employer"]
    assert unknown.region.kato == "750000000"
    assert unknown.declared_amount == Decimal("5000.00") and unknown.income == Decimal("100000")
    misapplied = Discrepancy.objects.get(iin=month["p"][10].iin, kind=D121)
    assert misapplied.expected_amount == Decimal("60000.00")
    assert misapplied.declared_amount == Decimal("25500.00")


def test_the_payment_for_the_wrong_month_is_not_flagged_again_in_that_month(month):
    reconcile_period(period=DEC)
    assert found(DEC) == {}


def test_without_the_january_declaration_the_december_payment_is_undeclared(month):
    from reconciliation.models import Declaration

    Declaration.objects.filter(iin=month["p"][7].iin).delete()
    reconcile_period(period=DEC)
    assert found(DEC) == {
        (month["p"][7].iin, D121, "paid_not_declared"): (Decimal("7500.00"), None)
    }


@pytest.mark.parametrize("income", ["300000", "850000", "1200000", "2000000", "5000000.05",
                                    "0", "123456.78"])
def test_the_sql_expectation_is_the_calculators(db, income):
    """No rate_misapplied when the employer declares exactly what the calculator says."""
    employer = OrganisationFactory()
    person = PersonFactory()
    calc = calculate(payer_type="employee", period=JAN, income=Decimal(income))
    deduction, contribution = calc.amount_of(D121), calc.amount_of(D122)
    import_lines([declaration_line(employer.bin, person.iin, JAN, income, deduction,
                                   contribution)])
    if deduction:
        pay_both(person, employer, JAN, deduction, contribution)
    reconcile_period(period=JAN)
    assert found() == {}
