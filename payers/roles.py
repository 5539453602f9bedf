from osms.core.roles import ANALYST, COMMISSION_MEMBER, HQ_OPERATOR, REGIONAL_OPERATOR

_REGISTRY = ("payers.person", "payers.organisation", "payers.activity", "payers.employment")
# Effective-dated rules: the head office keeps them; everybody else reads them.
_RULES = ("payers.referencevalue", "payers.contributionrate", "payers.knpcode",
          "payers.penaltyrule")
# The ledger and its workflows (payments are never changed nor deleted: reversals are "add").
# Jobs that post money or rebuild a table have their own permission (recompute_arrear,
# match_suspensepayment): head-office operators only, never the read-only roles.
_LEDGER_READ = ("payers.payment", "payers.importrun", "payers.paymentreject", "payers.arrear",
                "payers.refundapplication", "payers.suspensepayment")

ROLE_PERMISSIONS = {
    HQ_OPERATOR: {
        **{model: "view,add,change,delete" for model in _REGISTRY},
        **{model: "view,add,change" for model in _RULES},
        **{model: "view" for model in _LEDGER_READ},
        "payers.payment": "view,add",
        "payers.importrun": "view,add",
        "payers.suspensepayment": "view,change,match_suspensepayment",
        "payers.arrear": "view,recompute_arrear",
        "payers.refundapplication": "view,add,change",
        "payers.registryimportrun": "view",
        "payers.registryimportreject": "view",
        # Head office decides on the regions' transfer requests (and may file one itself).
        "payers.persontransferrequest": "view,add,change,decide_persontransferrequest",
    },
    REGIONAL_OPERATOR: {
        **{model: "view,add,change" for model in _REGISTRY},
        **{model: "view" for model in _RULES},
        "payers.payment": "view",
        "payers.arrear": "view",
        "payers.refundapplication": "view,add,change",
        "payers.registryimportrun": "view",
        "payers.registryimportreject": "view",
        # Asks for a person registered elsewhere; sees its own and its region's requests.
        "payers.persontransferrequest": "view,add",
    },
    ANALYST: {
        **{model: "view" for model in _REGISTRY},
        **{model: "view" for model in _RULES},
        **{model: "view" for model in _LEDGER_READ},
    },
    COMMISSION_MEMBER: {"payers.organisation": "view"},
}
