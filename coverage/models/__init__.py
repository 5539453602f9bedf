"""Coverage: benefit categories, memberships, status policy, statuses and runs."""

from .categories import (
    BenefitCategory,
    CategoryFeedReject,
    CategoryFeedRun,
    CategoryMembership,
    CategoryTerm,
    MembershipSource,
    Partner,
    PayerBudget,
)
from .policy import ResidencyRule, StatusPolicy
from .status import (
    Basis,
    CoverageHistory,
    CoverageStatus,
    PaidMonths,
    RecomputeChunk,
    RecomputeRun,
)

__all__ = [
    "Basis",
    "BenefitCategory",
    "CategoryFeedReject",
    "CategoryFeedRun",
    "CategoryMembership",
    "CategoryTerm",
    "CoverageHistory",
    "CoverageStatus",
    "MembershipSource",
    "PaidMonths",
    "Partner",
    "PayerBudget",
    "RecomputeChunk",
    "RecomputeRun",
    "ResidencyRule",
    "StatusPolicy",
]
