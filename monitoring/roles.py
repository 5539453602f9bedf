"""Who may do what in monitoring (groups are rebuilt after every migrate).

The expert works a region's review worklist (findings; cases read-only); the provider's
account sees and submits its own cases through the API (``monitoring.api`` narrows the
rows to its provider); head office keeps the rules, classifier and shares.
"""

from osms.core.roles import ANALYST, EXPERT, HQ_OPERATOR, PROVIDER, REGIONAL_OPERATOR

ALL = "view,add,change,delete"
_DATA = ("controlrule", "riskindicator", "reviewshare", "defect", "diagnosisrestriction",
         "holiday")
_CASES = ("case", "caseservice", "caseverdict", "patientreport")
_REVIEWS = ("review", "reviewfinding")
_RUNS = ("caseimportrun", "casereject", "controlrun")


def _p(models, actions):
    return {f"monitoring.{m}": actions for m in models}


ROLE_PERMISSIONS = {
    HQ_OPERATOR: {
        **_p(_DATA, ALL), **_p(_CASES + _REVIEWS, "view"), **_p(("provideraccount",), ALL),
        "monitoring.caseimportrun": "view,add,start_caseimportrun",
        "monitoring.casereject": "view",
        "monitoring.controlrun": "view,start_controlrun",
        "monitoring.review": "view,change",
        "monitoring.patientreport": "view,add",
    },
    REGIONAL_OPERATOR: {
        **_p(_DATA, "view"), **_p(_CASES + _REVIEWS + ("provideraccount",), "view"),
        "monitoring.review": "view,change",
    },
    EXPERT: {
        **_p(_DATA, "view"), **_p(_CASES, "view"),
        "monitoring.review": "view,change",
        "monitoring.reviewfinding": "view,add,change",
    },
    PROVIDER: {"monitoring.case": "view,add", "monitoring.caseservice": "view",
               "monitoring.caseverdict": "view", "monitoring.review": "view,change"},
    ANALYST: _p(_DATA + _CASES + _REVIEWS + _RUNS, "view"),
}
