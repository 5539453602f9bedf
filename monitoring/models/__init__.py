"""Monitoring of paid care (docs/monitoring.md): rules as data, cases, reviews."""

from .cases import (
    Case,
    CaseDecision,
    CaseImportRun,
    CaseReject,
    CaseService,
    CaseVerdict,
    ControlRun,
    Outcome,
    ProviderAccount,
)
from .reviews import PatientReport, Review, ReviewFinding
from .rules import (
    ControlRule,
    Defect,
    DiagnosisRestriction,
    Holiday,
    ReviewShare,
    RiskIndicator,
    Severity,
)

__all__ = [
    "Case", "CaseDecision", "CaseImportRun", "CaseReject", "CaseService", "CaseVerdict", "ControlRule",
    "ControlRun", "Defect", "DiagnosisRestriction", "Holiday", "Outcome", "PatientReport",
    "ProviderAccount", "Review", "ReviewFinding", "ReviewShare", "RiskIndicator", "Severity",
]
