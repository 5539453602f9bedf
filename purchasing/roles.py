"""Who may do what in purchasing (groups are rebuilt after every migrate).

Commission members see their region's purchasing and change allocations only
through the review page (``line_adjust``, which also requires a commission
seat); approving a protocol needs ``approve_protocol`` and the chair's seat.
"""

from osms.core.roles import ANALYST, COMMISSION_MEMBER, HQ_OPERATOR, REGIONAL_OPERATOR

ALL = "view,add,change,delete"

_RULES = ("coexecutioncap", "compositionrule", "ratingcomponent")
_PROVIDERS = ("provider", "providerlicence", "providercapacity", "providerbeds",
              "inclusioncheck", "providerrating", "ratingscore")
_COMMISSIONS = ("commission", "commissionmember", "conflictdeclaration", "meeting", "vote")
_CAMPAIGNS = ("campaign", "application")
_ALLOCATIONS = ("allocation", "allocationline", "allocationadjustment", "protocol")
_CONTRACTS = ("contract", "contractitem", "contractamendment", "executionact",
              "qualitydeduction")
EVERY_MODEL = _RULES + _PROVIDERS + _COMMISSIONS + _CAMPAIGNS + _ALLOCATIONS + _CONTRACTS


def _p(models, actions):
    return {f"purchasing.{m}": actions for m in models}


ROLE_PERMISSIONS = {
    HQ_OPERATOR: {**_p(EVERY_MODEL, ALL), "purchasing.protocol": f"{ALL},approve_protocol"},
    REGIONAL_OPERATOR: {
        **_p(_RULES, "view"),
        **_p(_PROVIDERS + _COMMISSIONS + _CAMPAIGNS + _CONTRACTS, "view,add,change"),
        **_p(_ALLOCATIONS, "view"),
    },
    COMMISSION_MEMBER: {
        **_p(_RULES + _PROVIDERS + _CAMPAIGNS + ("commission", "commissionmember"), "view"),
        **_p(("conflictdeclaration", "meeting", "vote"), "view"),
        **_p(("allocation", "allocationadjustment"), "view"),
        "purchasing.allocationline": "view,change",
        "purchasing.protocol": "view,approve_protocol",
        **_p(("contract", "contractitem", "contractamendment"), "view"),
    },
    ANALYST: _p(EVERY_MODEL, "view"),
}
