"""Reconciliation with tax data: declarations, runs, discrepancies, notices, summaries."""

from .declarations import Declaration, DeclarationImportRun, DeclarationReject, DeclarationStaging
from .discrepancies import Discrepancy, DiscrepancyEvent, DiscrepancyType, EmployerNotice
from .runs import CollectionSummary, ReconciliationRule, ReconciliationRun

__all__ = [
    "CollectionSummary",
    "Declaration",
    "DeclarationImportRun",
    "DeclarationReject",
    "DeclarationStaging",
    "Discrepancy",
    "DiscrepancyEvent",
    "DiscrepancyType",
    "EmployerNotice",
    "ReconciliationRule",
    "ReconciliationRun",
]
