from osms.core.roles import ANALYST, COMMISSION_MEMBER, HQ_OPERATOR, REGIONAL_OPERATOR

_REGISTRY = ("payers.person", "payers.organisation", "payers.activity", "payers.employment")

ROLE_PERMISSIONS = {
    HQ_OPERATOR: {model: "view,add,change,delete" for model in _REGISTRY},
    REGIONAL_OPERATOR: {model: "view,add,change" for model in _REGISTRY},
    ANALYST: {model: "view" for model in _REGISTRY},
    COMMISSION_MEMBER: {"payers.organisation": "view"},
}
