"""Models of the unified package: care catalogue, ICD-10, package versions, tariffs."""

from .catalogue import CareForm, CareType
from .icd10 import Icd10Code
from .tariff_imports import TariffImportReject, TariffImportRun
from .tariffs import (
    TariffBedDay,
    TariffCaseRate,
    TariffPhcCoefficient,
    TariffPhcNorm,
    TariffServicePrice,
)
from .versions import (
    DiseaseList,
    DiseaseListItem,
    Entitlement,
    FundingSource,
    PackageRule,
    PackageVersion,
)

__all__ = [
    "CareForm",
    "CareType",
    "DiseaseList",
    "DiseaseListItem",
    "Entitlement",
    "FundingSource",
    "Icd10Code",
    "PackageRule",
    "PackageVersion",
    "TariffBedDay",
    "TariffCaseRate",
    "TariffImportReject",
    "TariffImportRun",
    "TariffPhcCoefficient",
    "TariffPhcNorm",
    "TariffServicePrice",
]
