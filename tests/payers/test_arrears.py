"""Arrears of fixed contributions and penalties at 1.25 × the base rate per day of delay."""

import datetime
from decimal import Decimal

import pytest

from payers.arrears import arrears_recompute, penalty_for
from payers.models import Arrear, PenaltyRule, ReferenceKind, ReferenceValue
from tests.factories import ActivityFactory, PaymentFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def pay(person, period, paid_on, amount="5950.00"):
    return PaymentFactory(person=person, period=period, paid_on=paid_on, kind="self_employed",
                          amount=Decimal(amount))


def test_penalty_is_rate_times_days_on_the_amount():
    # 2025-04-26 … 2025-06-15 = 51 days at 1.25 × 16.5 % / 365 (base rate from 10.03.2025)
    assert penalty_for(amount=Decimal("5950"), due_on=D(2025, 4, 25),
                       paid_on=D(2025, 6, 15)) == Decimal("171.47")
    assert penalty_for(amount=Decimal("5950"), due_on=D(2025, 4, 25),
                       paid_on=D(2025, 4, 25)) == 0


def test_penalty_follows_each_base_rate_change_and_day_count():
    # 15.25 % to 9.03.2025, 16.5 % from 10.03.2025: 2025-03-01 … 2025-03-20 split 9 + 11 days
    expected = Decimal("10000") * Decimal("1.25") * (
        Decimal("0.1525") * 9 + Decimal("0.165") * 11) / 365
    got = penalty_for(amount=Decimal("10000"), due_on=D(2025, 2, 28), paid_on=D(2025, 3, 20))
    assert abs(got - expected) < Decimal("0.01")
    PenaltyRule.objects.create(valid_from=D(2025, 1, 1), multiplier=Decimal("1.25"),
                               day_count="360")
    got_360 = penalty_for(amount=Decimal("10000"), due_on=D(2025, 2, 28),
                          paid_on=D(2025, 3, 20))
    assert abs(got_360 - expected * 365 / 360) < Decimal("0.01")


def test_arrears_of_an_entrepreneur_month_by_month():
    person = ActivityFactory(started_on=D(2025, 1, 10)).person
    pay(person, D(2025, 1, 1), D(2025, 2, 20))                 # on time
    pay(person, D(2025, 2, 1), D(2025, 4, 10))                 # late: due 25.03
    pay(person, D(2025, 3, 1), D(2025, 4, 20), amount="2000")  # part, on time
    written = arrears_recompute(as_of=D(2025, 6, 15))
    rows = {a.period: a for a in Arrear.objects.all()}
    assert written == len(rows) == 3  # Feb (late), Mar (part), Apr (unpaid); May not due
    feb, mar, apr = rows[D(2025, 2, 1)], rows[D(2025, 3, 1)], rows[D(2025, 4, 1)]
    assert (feb.debt, feb.paid_late, feb.days_overdue) == (0, Decimal("5950.00"), 0)
    assert feb.penalty == penalty_for(amount=Decimal("5950"), due_on=D(2025, 3, 25),
                                      paid_on=D(2025, 4, 10))
    assert (mar.expected, mar.paid, mar.debt) == (Decimal("5950.00"), Decimal("2000.00"),
                                                   Decimal("3950.00"))
    assert mar.due_on == D(2025, 4, 25) and mar.days_overdue == 51
    assert mar.penalty == penalty_for(amount=Decimal("3950"), due_on=D(2025, 4, 25),
                                      paid_on=D(2025, 6, 15))
    assert apr.debt == Decimal("5950.00") and apr.penalty == penalty_for(
        amount=Decimal("5950"), due_on=D(2025, 5, 25), paid_on=D(2025, 6, 15))
    assert apr.payer_code == person.iin and apr.kind == "self_employed"


def test_late_overpayment_carries_penalty_only_on_the_debt_it_clears():
    person = ActivityFactory(started_on=D(2025, 1, 1)).person
    pay(person, D(2025, 1, 1), D(2025, 3, 10), amount="3000")
    pay(person, D(2025, 1, 1), D(2025, 3, 20), amount="9000")  # clears 2 950, rest is excess
    arrears_recompute(as_of=D(2025, 3, 31))
    jan = Arrear.objects.get(period=D(2025, 1, 1))
    assert jan.debt == 0
    assert jan.penalty == (penalty_for(amount=Decimal("3000"), due_on=D(2025, 2, 25),
                                       paid_on=D(2025, 3, 10))
                           + penalty_for(amount=Decimal("2950"), due_on=D(2025, 2, 25),
                                         paid_on=D(2025, 3, 20)))


def test_recompute_replaces_the_previous_state_and_ended_activity_stops_accruing():
    ActivityFactory(started_on=D(2025, 1, 1), ended_on=D(2025, 2, 14))
    arrears_recompute(as_of=D(2025, 12, 1))
    arrears_recompute(as_of=D(2025, 12, 1))
    assert sorted(Arrear.objects.values_list("period", flat=True)) == [D(2025, 1, 1),
                                                                       D(2025, 2, 1)]


def test_base_rate_is_effective_dated_data():
    ReferenceValue.objects.create(kind=ReferenceKind.NB_BASE_RATE, valid_from=D(2025, 5, 1),
                                  value=Decimal("36.50"))
    # 10 days in May 2025 at 1.25 × 36.5 % / 365 = 0.125 % a day
    assert penalty_for(amount=Decimal("10000"), due_on=D(2025, 5, 5),
                       paid_on=D(2025, 5, 15)) == Decimal("125.00")


def test_since_limits_the_periods_looked_at():
    ActivityFactory(started_on=D(2024, 1, 1))
    arrears_recompute(as_of=D(2025, 3, 1), since=D(2025, 1, 1))
    assert sorted(Arrear.objects.values_list("period", flat=True)) == [D(2025, 1, 1)]
