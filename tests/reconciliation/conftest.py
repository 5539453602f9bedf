"""A planted month shared by the reconciliation tests (January 2026)."""

import datetime

import pytest

from payers.models import Person
from payers.validators import make_iin
from tests.factories import OrganisationFactory, PersonFactory, region

from .helpers import D121, D122, DEC, JAN, declaration_line, import_lines, pay, pay_both


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
