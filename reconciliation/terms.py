"""What the rate schedule says an employee's declared income implies, for one period.

Looked up once per period through ``payers.rates`` (effective-dated rows), then
used as parameters of the set-based SQL: ``expected = round(base × rate, 2)``
with ``base = income`` capped at ``max_base_mzp × МЗП`` (and raised to the
minimum base when a schedule row has one, as the calculator does). ``payers.calculator.calculate`` does
the same per person; a test holds the two equal.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from payers import rates

KINDS = ("employer_deduction", "employee_contribution")


class TermsError(ValueError):
    """The schedule has no rows for a period (nothing to compare declarations with)."""


@dataclass(frozen=True)
class KindTerms:
    kind: str
    rate: Decimal
    min_base: Decimal | None
    max_base: Decimal | None


def employee_terms(period):
    """{kind: KindTerms} for the employee payer type in force in ``period``."""
    try:
        schedule = rates.schedule_on(payer_type="employee", period=period)
        mzp = rates.reference_value(kind="mzp", period=period)
    except rates.RateNotFound as exc:
        raise TermsError(str(exc)) from exc
    lines = {line.kind: line for line in schedule}
    result = {}
    for kind in KINDS:
        line = lines.get(kind)
        if line is None:
            # Before 2020 there were no employee contributions: nothing is expected.
            result[kind] = KindTerms(kind, Decimal("0"), None, None)
            continue
        if line.base != "income":
            raise TermsError(
                _("The %(kind)s line of %(p)s is not a share of income: cannot compare.")
                % {"kind": kind, "p": f"{period:%Y-%m}"}
            )
        result[kind] = KindTerms(
            kind=kind,
            rate=line.rate,
            min_base=None if line.min_base_mzp is None else line.min_base_mzp * mzp,
            max_base=None if line.max_base_mzp is None else line.max_base_mzp * mzp,
        )
    return result
