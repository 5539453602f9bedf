"""Properties of coverage.rules on arbitrary facts (hypothesis)."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from coverage.rules import (
    PaidMonth,
    PersonFacts,
    Policy,
    Rulebook,
    decide,
)
from osms.core.periods import month_index, month_start

POLICY_2026 = Policy(retention_after_months=60, retention_months=6)
BOOK = Rulebook(policy=POLICY_2026, terms={}, residency={"foreign_temporary": (False, True)})
ON = st.dates(min_value=datetime.date(2026, 1, 1), max_value=datetime.date(2027, 12, 31))
OFFSETS = st.sets(st.integers(min_value=-80, max_value=14), max_size=60)


def facts(on, offsets, paid_early=False):
    current = month_index(on)
    months = []
    for k in sorted(offsets):
        period = month_start(current + k)
        paid_on = period - datetime.timedelta(days=5) if paid_early else period + \
            datetime.timedelta(days=40)
        months.append(PaidMonth(period, paid_on))
    return PersonFacts(birth_date=datetime.date(1980, 1, 1), paid_months=tuple(months))


@settings(max_examples=300, deadline=None)
@given(on=ON, offsets=OFFSETS)
def test_insured_exactly_while_valid_until_is_not_past(on, offsets):
    decision = decide(facts(on, offsets), on=on, book=BOOK)
    if decision.insured:
        assert decision.valid_until is not None and decision.valid_until >= on
        assert decision.basis in {"payments", "prepayment", "grace", "retention"}
    else:
        assert decision.basis is None and decision.valid_until is None


@settings(max_examples=300, deadline=None)
@given(on=ON, offsets=OFFSETS)
def test_paying_every_month_of_the_window_always_insures(on, offsets):
    full = set(offsets) | set(range(-POLICY_2026.debt_window_months, 1))
    decision = decide(facts(on, full), on=on, book=BOOK)
    assert decision.insured and decision.basis == "payments"
    assert decision.valid_until >= month_start(month_index(on) + 3) - datetime.timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(on=ON, offsets=OFFSETS)
def test_the_status_holds_at_most_grace_or_retention_after_the_paid_through_month(on, offsets):
    decision = decide(facts(on, offsets), on=on, book=BOOK)
    if decision.insured:
        through = month_index(decision.paid_through)
        assert month_index(on) - through <= max(POLICY_2026.grace_months,
                                                POLICY_2026.retention_months)


@settings(max_examples=200, deadline=None)
@given(on=ON, offsets=st.sets(st.integers(min_value=0, max_value=12), min_size=1))
def test_months_paid_before_they_began_are_prepayment(on, offsets):
    decision = decide(facts(on, offsets | {0}, paid_early=True), on=on, book=BOOK)
    assert decision.basis == "prepayment"
