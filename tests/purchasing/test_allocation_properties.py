"""The allocation algorithm: worked examples and properties (hypothesis)."""

import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purchasing.allocation import (
    LIMIT_CAPACITY,
    LIMIT_COEXECUTION_CAP,
    LIMIT_INELIGIBLE,
    LIMIT_REQUESTED,
    LIMIT_SHARE,
    AllocationInputError,
    Campaign,
    Candidate,
    allocate,
)

PRICE = Decimal("12500.00")


def test_worked_example_split_in_proportion_to_score():
    # 1 000 units at 12 500 ₸, budget 12 500 000: scores 80 / 60 / 60 split 400 / 300 / 300.
    campaign = Campaign(planned_volume=1000, unit_price=PRICE, budget=Decimal("12500000.00"))
    shares = allocate(campaign, [
        Candidate(key=1, provider_id=11, score=Decimal("80"), requested=900, own_capacity=900),
        Candidate(key=2, provider_id=12, score=Decimal("60"), requested=900, own_capacity=900),
        Candidate(key=3, provider_id=13, score=Decimal("60"), requested=900, own_capacity=900),
    ])
    assert [(s.key, s.rank, s.volume) for s in shares] == [(1, 1, 400), (2, 2, 300), (3, 3, 300)]
    assert [s.amount for s in shares] == [
        Decimal("5000000.00"), Decimal("3750000.00"), Decimal("3750000.00")
    ]
    assert all(s.limit == LIMIT_SHARE for s in shares)


def test_capped_provider_passes_its_surplus_to_the_others():
    # Provider 1 asks only 100: the remaining 900 go to 2 and 3 in the 60:30 ratio.
    campaign = Campaign(planned_volume=1000, unit_price=PRICE, budget=Decimal("99999999.00"))
    shares = allocate(campaign, [
        Candidate(key=1, provider_id=11, score=Decimal("90"), requested=100, own_capacity=500),
        Candidate(key=2, provider_id=12, score=Decimal("60"), requested=900, own_capacity=900),
        Candidate(key=3, provider_id=13, score=Decimal("30"), requested=900, own_capacity=900),
    ])
    by_key = {s.key: s for s in shares}
    assert by_key[1].volume == 100 and by_key[1].limit == LIMIT_REQUESTED
    assert (by_key[2].volume, by_key[3].volume) == (600, 300)


def test_budget_limits_the_volume():
    # Budget 1 000 000 at 12 500 pays exactly 80 units, though 1 000 are planned.
    campaign = Campaign(planned_volume=1000, unit_price=PRICE, budget=Decimal("1000000.00"))
    shares = allocate(campaign, [
        Candidate(key=1, provider_id=1, score=Decimal("50"), requested=1000, own_capacity=1000),
    ])
    assert shares[0].volume == 80
    assert shares[0].amount == Decimal("1000000.00")


def test_phc_district_cap_sixty_percent_limits_coexecution():
    # Own capacity 400, co-executors could add 2 000, cap 60 %: at most 400 / 0.4 = 1 000.
    campaign = Campaign(planned_volume=5000, unit_price=PRICE, budget=Decimal("1e9"))
    shares = allocate(campaign, [
        Candidate(key=1, provider_id=1, score=Decimal("70"), requested=3000, own_capacity=400,
                  coexecution_capacity=2000, coexecution_cap=Decimal("0.60")),
    ])
    assert shares[0].volume == 1000
    assert shares[0].limit == LIMIT_COEXECUTION_CAP
    assert shares[0].coexecuted_volume == 600


def test_city_cap_fifty_percent_and_no_cap_means_own_capacity_only():
    campaign = Campaign(planned_volume=5000, unit_price=PRICE, budget=Decimal("1e9"))
    shares = allocate(campaign, [
        Candidate(key=1, provider_id=1, score=Decimal("70"), requested=3000, own_capacity=400,
                  coexecution_capacity=2000, coexecution_cap=Decimal("0.50")),
        Candidate(key=2, provider_id=2, score=Decimal("70"), requested=3000, own_capacity=400,
                  coexecution_capacity=2000, coexecution_cap=None),
    ])
    by_key = {s.key: s for s in shares}
    assert by_key[1].volume == 800
    assert by_key[2].volume == 400 and by_key[2].limit == LIMIT_CAPACITY


def test_ineligible_applicant_gets_nothing_with_the_reason():
    campaign = Campaign(planned_volume=100, unit_price=PRICE, budget=Decimal("1e9"))
    shares = allocate(campaign, [
        Candidate(key=1, provider_id=1, score=Decimal("99"), requested=100, own_capacity=100,
                  eligible=False, ineligible_reason="licence expired"),
        Candidate(key=2, provider_id=2, score=Decimal("10"), requested=100, own_capacity=100),
    ])
    by_key = {s.key: s for s in shares}
    assert by_key[1].volume == 0 and by_key[1].limit == LIMIT_INELIGIBLE
    assert by_key[1].facts["reason"] == "licence expired"
    assert by_key[2].volume == 100


def test_leftover_units_go_to_largest_fraction_then_higher_score():
    # 10 units, scores 1:1:1 → 3.33 each: the extra unit goes to the lowest provider id.
    campaign = Campaign(planned_volume=10, unit_price=PRICE, budget=Decimal("1e9"))
    shares = allocate(campaign, [
        Candidate(key=k, provider_id=k, score=Decimal("5"), requested=10, own_capacity=10)
        for k in (3, 1, 2)
    ])
    assert {s.key: s.volume for s in shares} == {1: 4, 2: 3, 3: 3}


def test_bad_input_names_the_application_and_field():
    campaign = Campaign(planned_volume=10, unit_price=PRICE, budget=Decimal("1e9"))
    with pytest.raises(AllocationInputError, match="application 7: requested"):
        allocate(campaign, [Candidate(key=7, provider_id=1, score=Decimal("1"), requested=-1,
                                      own_capacity=1)])


candidates_strategy = st.lists(
    st.builds(
        lambda provider_id, score, requested, own, coexec, cap, eligible: Candidate(
            key=provider_id, provider_id=provider_id, score=score, requested=requested,
            own_capacity=own, coexecution_capacity=coexec, coexecution_cap=cap,
            eligible=eligible, ineligible_reason="" if eligible else "refused",
        ),
        provider_id=st.integers(1, 10_000),
        score=st.decimals(min_value=0, max_value=100, places=2),
        requested=st.integers(0, 50_000),
        own=st.integers(0, 50_000),
        coexec=st.integers(0, 50_000),
        cap=st.sampled_from([None, Decimal("0.60"), Decimal("0.50"), Decimal("0")]),
        eligible=st.booleans(),
    ),
    max_size=12,
    unique_by=lambda c: c.key,
)
campaign_strategy = st.builds(
    Campaign,
    planned_volume=st.integers(0, 200_000),
    unit_price=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000000"), places=2),
    budget=st.decimals(min_value=0, max_value=Decimal("1e11"), places=2),
)


@settings(max_examples=300, deadline=None)
@given(campaign=campaign_strategy, candidates=candidates_strategy)
def test_properties_budget_requested_capacity_caps(campaign, candidates):
    shares = allocate(campaign, candidates)
    by_key = {c.key: c for c in candidates}
    assert len(shares) == len(candidates)
    assert sum(s.amount for s in shares) <= campaign.budget
    assert sum(s.volume for s in shares) <= campaign.planned_volume
    for share in shares:
        c = by_key[share.key]
        assert 0 <= share.volume <= c.requested
        own_plus = c.own_capacity + (c.coexecution_capacity if c.coexecution_cap is not None else 0)
        assert share.volume <= own_plus
        coexecuted = max(0, share.volume - c.own_capacity)
        if c.coexecution_cap is None:
            assert coexecuted == 0
        else:
            assert Fraction(coexecuted) <= Fraction(c.coexecution_cap) * share.volume
        assert share.amount == (campaign.unit_price * share.volume).quantize(Decimal("0.01"))
        if not c.eligible or c.score == 0:
            assert share.volume == 0
    # Nothing left on the table: either the volume is used up or everyone is at the ceiling.
    active = [by_key[s.key] for s in shares if by_key[s.key].eligible and by_key[s.key].score > 0]
    total_ceiling = sum(c.ceiling()[0] for c in active)
    assert sum(s.volume for s in shares) == min(campaign.distributable_volume, total_ceiling)


@settings(max_examples=150, deadline=None)
@given(campaign=campaign_strategy, candidates=candidates_strategy, seed=st.integers(0, 10**6))
def test_same_input_any_order_same_result(campaign, candidates, seed):
    first = allocate(campaign, candidates)
    shuffled = list(candidates)
    random.Random(seed).shuffle(shuffled)
    assert allocate(campaign, shuffled) == first


@settings(max_examples=150, deadline=None)
@given(campaign=campaign_strategy, candidates=candidates_strategy)
def test_higher_score_never_gets_a_smaller_share_of_the_same_ceiling(campaign, candidates):
    shares = {s.key: s for s in allocate(campaign, candidates)}
    active = [c for c in candidates if c.eligible and c.score > 0]
    for a in active:
        for b in active:
            if a.score > b.score and a.ceiling()[0] >= b.ceiling()[0]:
                assert shares[a.key].volume >= shares[b.key].volume - 1
