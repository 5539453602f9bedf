"""The contributions calculator: what each payer type owes for a month (docs/domain.md §3).

``calculate(payer_type=…, period=…, income=…)`` looks the schedule up with
``payers.rates`` and returns one line per obligation. Bases are clamped to the
schedule's minimum/maximum (multiples of МЗП); amounts are rounded half-up to
the tiyn. Used by the API, the admin page, the arrears and the demo data.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from osms.core.periods import add_years, first_of_month

from . import rates
from .models import BaseKind, LineKind, PayerType, ReferenceKind

CENT = Decimal("0.01")


class CalculationError(ValueError):
    """Bad input: ``field`` names the parameter at fault."""

    def __init__(self, message, *, field):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class CalculationLine:
    kind: str
    base: Decimal
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Calculation:
    period: date
    payer_type: str
    income: Decimal | None
    lines: list[CalculationLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    def amount_of(self, kind) -> Decimal:
        return sum((line.amount for line in self.lines if line.kind == kind), Decimal("0.00"))


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def clean_income(income):
    if income is None or income == "":
        return None
    try:
        value = Decimal(str(income).strip().replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        raise CalculationError(_("Income must be a number."), field="income") from None
    if not value.is_finite():
        raise CalculationError(_("Income must be a number."), field="income")
    if value < 0:
        raise CalculationError(_("Income cannot be negative."), field="income")
    if value != value.quantize(CENT) or value >= Decimal("1e12"):
        raise CalculationError(
            _("Income must have at most 2 decimals and 12 integer digits."), field="income"
        )
    return value


def _line_base(row, *, period, income, mzp, region):
    if row.base == BaseKind.INCOME:
        if income is None:
            raise CalculationError(
                _("Income is required for this payer type."), field="income"
            )
        base = income
        if row.min_base_mzp is not None:
            base = max(base, row.min_base_mzp * mzp)
        if row.max_base_mzp is not None:
            base = min(base, row.max_base_mzp * mzp)
        return base
    if row.base == BaseKind.MZP_MULTIPLE:
        return row.base_multiple * mzp
    back = add_years(period, -row.base_lag_years)  # a first of month: never 29 February
    if row.base == BaseKind.AVERAGE_WAGE:
        wage = rates.reference_value(kind=ReferenceKind.AVERAGE_WAGE, period=back)
        return row.base_multiple * wage
    if region is None:
        raise CalculationError(
            _("A region (KATO code) is required for this payer type."), field="region"
        )
    wage = rates.reference_value(
        kind=ReferenceKind.REGIONAL_AVERAGE_WAGE, period=back, region=region
    )
    return row.base_multiple * wage


def calculate(*, payer_type: str, period: date, income: Decimal | None, region=None
              ) -> Calculation:
    """What ``payer_type`` owes for the month of ``period`` on ``income``.

    ``region`` (a ``Region``) is needed only for local budgets, whose base is the
    regional average wage.
    """
    if payer_type not in PayerType.values:
        raise CalculationError(
            _("Unknown payer type %(value)s; expected one of: %(choices)s.")
            % {"value": payer_type, "choices": ", ".join(PayerType.values)},
            field="payer_type",
        )
    if not isinstance(period, date):
        raise CalculationError(_("Period must be a date."), field="period")
    period = first_of_month(period)
    income = clean_income(income)
    try:
        schedule = rates.schedule_on(payer_type=payer_type, period=period)
        mzp = rates.reference_value(kind=ReferenceKind.MZP, period=period)
        lines = []
        for row in schedule:
            base = money(_line_base(row, period=period, income=income, mzp=mzp, region=region))
            lines.append(CalculationLine(kind=row.kind, base=base, rate=row.rate,
                                         amount=money(base * row.rate)))
    except rates.RateNotFound as exc:
        raise CalculationError(str(exc), field=exc.field) from exc
    lines.sort(key=lambda line: LineKind.values.index(line.kind))
    return Calculation(period=period, payer_type=payer_type, income=income, lines=lines)
