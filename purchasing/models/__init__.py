"""Purchasing models (docs/domain.md §7), split by subject.

What every region-owned record shares (the region-scoped manager, simple-history, the
bounds checked in ``clean``) is in ``base.py``. What still looks alike between them (the
``Meta`` with names, ordering and constraints, ``__str__``, foreign keys spelled one
argument a line) is each table's own declaration: alike in shape, not in content.
"""

from .allocations import Allocation, AllocationAdjustment, AllocationLine, Protocol
from .campaigns import Application, Campaign
from .commissions import (
    Commission,
    CommissionMember,
    ConflictDeclaration,
    Meeting,
    MemberBody,
    Vote,
)
from .contracts import (
    Contract,
    ContractAmendment,
    ContractItem,
    ExecutionAct,
    QualityDeduction,
)
from .providers import (
    InclusionCheck,
    Provider,
    ProviderBeds,
    ProviderCapacity,
    ProviderLicence,
    ProviderRating,
    RatingScore,
)
from .rules import CoExecutionCap, CommissionKind, CompositionRule, Locality, RatingComponent

__all__ = [
    "Allocation", "AllocationAdjustment", "AllocationLine", "Application", "Campaign",
    "CoExecutionCap", "Commission", "CommissionKind", "CommissionMember", "CompositionRule",
    "ConflictDeclaration", "Contract", "ContractAmendment", "ContractItem", "ExecutionAct",
    "InclusionCheck", "Locality", "Meeting", "MemberBody", "Protocol", "Provider",
    "ProviderBeds", "ProviderCapacity", "ProviderLicence", "ProviderRating", "QualityDeduction",
    "RatingComponent", "RatingScore", "Vote",
]
