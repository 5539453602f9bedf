"""Reconciliation with tax data: declarations, runs, discrepancies, notices, summaries.

The tables look alike in places (foreign keys to the region, the employer, the person and
the acting user, spelled one argument a line; ``Meta`` with names, indexes and the natural
key): each is its own table's declaration, alike in shape only. Money columns share
``MONEY`` (``declarations.py``); the run records of imports share ``osms.core.runs``.
"""

from .declarations import Declaration, DeclarationImportRun, DeclarationReject, DeclarationStaging
from .discrepancies import Discrepancy, DiscrepancyEvent, DiscrepancyType, EmployerNotice
from .runs import (
    CollectionPart,
    CollectionSummary,
    FoundLine,
    ReconciliationChunk,
    ReconciliationRule,
    ReconciliationRun,
)

__all__ = [
    "CollectionPart",
    "CollectionSummary",
    "Declaration",
    "DeclarationImportRun",
    "DeclarationReject",
    "DeclarationStaging",
    "Discrepancy",
    "DiscrepancyEvent",
    "DiscrepancyType",
    "EmployerNotice",
    "FoundLine",
    "ReconciliationChunk",
    "ReconciliationRule",
    "ReconciliationRun",
]
