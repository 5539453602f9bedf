"""Models of the payers app: the registry, the rates, the ledger and its workflows.

Everything is re-exported here: ``from payers.models import Person, Payment``.
"""

from .intake import PaymentReject, RejectReason, SuspensePayment
from .payments import ImportRun, KnpCode, Payment, PaymentKind
from .rates import (
    BaseKind,
    ContributionRate,
    LineKind,
    PayerType,
    PenaltyRule,
    ReferenceKind,
    ReferenceValue,
)
from .refunds import Arrear, ArrearsRun, RefundApplication
from .registry import (
    Activity,
    ActivityKind,
    Citizenship,
    Employment,
    Organisation,
    Person,
    Sex,
    TaxRegime,
)
from .registry_imports import RegistryImportReject, RegistryImportRun
from .transfers import PersonTransferRequest

__all__ = [
    "Activity", "ActivityKind", "Arrear", "ArrearsRun", "BaseKind", "Citizenship", "ContributionRate",
    "Employment", "ImportRun", "KnpCode", "LineKind", "Organisation", "PayerType", "Payment",
    "PaymentKind", "PaymentReject", "PersonTransferRequest", "PenaltyRule", "Person", "ReferenceKind", "ReferenceValue",
    "RefundApplication", "RegistryImportReject", "RegistryImportRun", "RejectReason", "Sex", "SuspensePayment", "TaxRegime",
]
