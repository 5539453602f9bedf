"""Who may do what with the package: head office edits, everyone else reads."""

from osms.core.roles import ANALYST, COMMISSION_MEMBER, HQ_OPERATOR, REGIONAL_OPERATOR

_MODELS = (
    "packages.caretype", "packages.diseaselist", "packages.diseaselistitem",
    "packages.packageversion", "packages.packagerule", "packages.tariffphcnorm",
    "packages.tariffphccoefficient", "packages.tariffcaserate", "packages.tariffserviceprice",
    "packages.tariffbedday",
)

ROLE_PERMISSIONS = {
    HQ_OPERATOR: {
        **{model: "view,add,change,delete" for model in _MODELS},
        "packages.icd10code": "view,change",
        "packages.packageversion": "view,add,change,delete,publish_packageversion",
        "packages.tariffimportrun": "view",
        "packages.tariffimportreject": "view",
    },
    REGIONAL_OPERATOR: {model: "view" for model in (*_MODELS, "packages.icd10code")},
    COMMISSION_MEMBER: {model: "view" for model in (*_MODELS, "packages.icd10code")},
    ANALYST: {model: "view" for model in (*_MODELS, "packages.icd10code")},
}
