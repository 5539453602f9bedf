"""Done when: a month with one planted discrepancy of every type is reconciled, each is
found with the right type and amount, and nothing else is flagged (January 2026:
employer 3 % capped at 40 МЗП, employee 2 % capped at 20 МЗП, МЗП 85 000)."""

from decimal import Decimal

import pytest

from payers.calculator import calculate
from reconciliation.models import Discrepancy, ReconciliationRun
from reconciliation.reconcile import reconcile_period
from tests.factories import OrganisationFactory, PersonFactory

from .helpers import D121, D122, DEC, JAN, declaration_line, import_lines, pay_both


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
