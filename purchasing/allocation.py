"""Automated allocation of a campaign's volume among eligible applicants (docs/domain.md §7).

A pure module: no database, no clock, no randomness. The same ``Campaign``
facts and ``Candidate`` list (in any order) always give the same ``Share`` list.

The rule, in words an operator can check by hand:

1. The volume to split is the smaller of the planned volume and what the budget
   pays for at the unit price: ``min(planned, floor(budget / price))``.
2. Each eligible applicant has a **ceiling**: the smallest of the volume it
   requested, what it can deliver (own capacity plus declared co-executors) and,
   when a co-execution cap applies (primary care: 60 % district, 50 % city),
   ``floor(own / (1 − cap))``: beyond that co-executors would deliver more than
   the cap allows.
3. The volume is split **in proportion to the rating score** ("water-filling"):
   every applicant gets ``level × score`` but never more than its ceiling; the
   level rises until the volume is used up or everybody is at its ceiling.
   Computed with exact fractions.
4. Whole units: everyone gets the integer part; the units left over go one by
   one to the largest fractional parts (ties: higher score, then lower provider
   id), never above a ceiling.
5. Amount = volume × unit price, so the total never exceeds the budget.

Ineligible applicants get 0 with the reason they were excluded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy

ALGORITHM_VERSION = "water-filling-by-score/1"
# What a commission member reads for each algorithm id (the id stays in the tooltip).
ALGORITHM_LABELS = {
    ALGORITHM_VERSION: gettext_lazy("By rating score, within each provider's request and "
                                    "capacity (version 1)"),
}


def algorithm_label(code):
    return ALGORITHM_LABELS.get(code, code)

# Why an applicant ended where it did (stable codes, rendered by ``explain``).
LIMIT_REQUESTED = "requested"
LIMIT_CAPACITY = "capacity"
LIMIT_COEXECUTION_CAP = "coexecution_cap"
LIMIT_SHARE = "share"
LIMIT_INELIGIBLE = "ineligible"
LIMIT_ZERO_SCORE = "zero_score"


class AllocationInputError(ValueError):
    """Input that cannot be allocated; the message names the applicant and the field."""


@dataclass(frozen=True)
class Campaign:
    planned_volume: int
    unit_price: Decimal
    budget: Decimal

    def validate(self):
        if self.planned_volume < 0:
            raise AllocationInputError("campaign: planned volume must not be negative")
        if self.unit_price <= 0:
            raise AllocationInputError("campaign: unit price must be positive")
        if self.budget < 0:
            raise AllocationInputError("campaign: budget must not be negative")

    @property
    def volume_budget_pays(self) -> int:
        return math.floor(Fraction(self.budget) / Fraction(self.unit_price))

    @property
    def distributable_volume(self) -> int:
        return min(self.planned_volume, self.volume_budget_pays)


@dataclass(frozen=True)
class Candidate:
    key: int  # application id: the identity of the result row
    provider_id: int
    score: Decimal
    requested: int
    own_capacity: int
    coexecution_capacity: int = 0
    coexecution_cap: Decimal | None = None  # share 0..1; None: co-executors not allowed
    eligible: bool = True
    ineligible_reason: str = ""

    def validate(self):
        for name in ("requested", "own_capacity", "coexecution_capacity"):
            if getattr(self, name) < 0:
                raise AllocationInputError(f"application {self.key}: {name} must not be negative")
        if self.score < 0:
            raise AllocationInputError(f"application {self.key}: score must not be negative")
        if self.coexecution_cap is not None and not (0 <= self.coexecution_cap < 1):
            raise AllocationInputError(
                f"application {self.key}: co-execution cap must be in [0, 1)"
            )

    @property
    def coexecution_ceiling(self) -> int | None:
        """Largest volume at which co-executors stay within the cap (None: no cap)."""
        if self.coexecution_cap is None:
            return None
        return math.floor(Fraction(self.own_capacity) / (1 - Fraction(self.coexecution_cap)))

    def ceiling(self) -> tuple[int, str]:
        """(maximum volume, which limit binds); ties name the first in this order."""
        deliverable = self.own_capacity + (
            self.coexecution_capacity if self.coexecution_cap is not None else 0
        )
        limits = [(self.requested, LIMIT_REQUESTED), (deliverable, LIMIT_CAPACITY)]
        if self.coexecution_cap is not None:
            limits.append((self.coexecution_ceiling, LIMIT_COEXECUTION_CAP))
        return min(limits, key=lambda item: item[0])


@dataclass(frozen=True)
class Share:
    key: int
    provider_id: int
    rank: int
    volume: int
    amount: Decimal
    ceiling: int
    limit: str
    facts: dict = field(default_factory=dict)

    @property
    def coexecuted_volume(self) -> int:
        return self.facts.get("coexecuted_volume", 0)


def _order(candidate: Candidate):
    return (-candidate.score, candidate.provider_id, candidate.key)


def _water_fill(volume: int, ceilings: dict[int, int], scores: dict[int, Fraction]):
    """Exact shares: key → Fraction, Σ = min(volume, Σ ceilings), share ∝ score below ceiling."""
    if sum(ceilings.values()) <= volume:
        return {key: Fraction(c) for key, c in ceilings.items()}, None
    shares: dict[int, Fraction] = {}
    remaining = Fraction(volume)
    open_keys = sorted(ceilings, key=lambda k: (Fraction(ceilings[k]) / scores[k], k))
    weight = sum(scores[k] for k in open_keys)
    level = Fraction(0)
    for index, key in enumerate(open_keys):
        level = remaining / weight
        if Fraction(ceilings[key]) <= level * scores[key]:
            shares[key] = Fraction(ceilings[key])
            remaining -= shares[key]
            weight -= scores[key]
            continue
        for rest in open_keys[index:]:
            shares[rest] = level * scores[rest]
        break
    return shares, level


def allocate(campaign: Campaign, candidates: list[Candidate]) -> list[Share]:
    """Split the campaign among candidates; returns one Share per candidate, by rank."""
    campaign.validate()
    seen = set()
    for candidate in candidates:
        candidate.validate()
        if candidate.key in seen:
            raise AllocationInputError(f"application {candidate.key}: listed twice")
        seen.add(candidate.key)
    ordered = sorted(candidates, key=_order)
    volume = campaign.distributable_volume
    active = [c for c in ordered if c.eligible and c.score > 0]
    ceilings = {c.key: c.ceiling()[0] for c in active}
    scores = {c.key: Fraction(c.score) for c in active}
    exact, level = _water_fill(volume, ceilings, scores) if active else ({}, None)
    whole = {key: math.floor(value) for key, value in exact.items()}
    leftover = min(volume, sum(ceilings.values())) - sum(whole.values())
    rank_of = {c.key: rank for rank, c in enumerate(ordered, start=1)}
    by_fraction = sorted(
        (key for key in whole if whole[key] < ceilings[key]),
        key=lambda key: (-(exact[key] - whole[key]), rank_of[key]),
    )
    for key in by_fraction[:leftover]:
        whole[key] += 1
    price = campaign.unit_price
    result = []
    for candidate in ordered:
        rank = rank_of[candidate.key]
        ceiling, limit = candidate.ceiling()
        facts = {
            "score": str(candidate.score),
            "requested": candidate.requested,
            "own_capacity": candidate.own_capacity,
            "coexecution_capacity": candidate.coexecution_capacity,
            "coexecution_cap": None
            if candidate.coexecution_cap is None
            else str(candidate.coexecution_cap),
            "coexecution_ceiling": candidate.coexecution_ceiling,
            "distributable_volume": volume,
        }
        if not candidate.eligible:
            facts["reason"] = candidate.ineligible_reason
            result.append(Share(candidate.key, candidate.provider_id, rank, 0, Decimal("0.00"),
                                0, LIMIT_INELIGIBLE, facts))
            continue
        if candidate.score <= 0:
            result.append(Share(candidate.key, candidate.provider_id, rank, 0, Decimal("0.00"),
                                ceiling, LIMIT_ZERO_SCORE, facts))
            continue
        given = whole[candidate.key]
        if given < ceiling:
            limit = LIMIT_SHARE
        facts["level"] = None if level is None else f"{float(level):.6f}"
        facts["exact_share"] = f"{float(exact[candidate.key]):.4f}"
        facts["coexecuted_volume"] = max(0, given - candidate.own_capacity)
        amount = (price * given).quantize(Decimal("0.01"))
        result.append(Share(candidate.key, candidate.provider_id, rank, given, amount,
                            ceiling, limit, facts))
    return result
