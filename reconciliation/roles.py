"""Who may do what in reconciliation (groups rebuilt after every migrate)."""

from osms.core.roles import ANALYST, HQ_OPERATOR, REGIONAL_OPERATOR

_READ = (
    "reconciliation.declaration",
    "reconciliation.declarationimportrun",
    "reconciliation.declarationreject",
    "reconciliation.reconciliationrun",
    "reconciliation.reconciliationrule",
    "reconciliation.collectionsummary",
    "reconciliation.discrepancyevent",
)

ROLE_PERMISSIONS = {
    HQ_OPERATOR: {
        **{model: "view" for model in _READ},
        "reconciliation.declarationimportrun": "view,add",
        "reconciliation.reconciliationrun": "view,add",
        "reconciliation.reconciliationrule": "view,add,change",
        "reconciliation.discrepancy": "view,change",
        "reconciliation.employernotice": "view,add",
    },
    REGIONAL_OPERATOR: {
        "reconciliation.declaration": "view",
        "reconciliation.discrepancy": "view,change",
        "reconciliation.discrepancyevent": "view",
        "reconciliation.employernotice": "view,add",
        "reconciliation.collectionsummary": "view",
    },
    ANALYST: {
        **{model: "view" for model in _READ},
        "reconciliation.discrepancy": "view",
        "reconciliation.employernotice": "view",
    },
}
