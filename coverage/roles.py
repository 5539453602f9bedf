from osms.core.roles import ANALYST, HQ_OPERATOR, REGIONAL_OPERATOR

_POLICY = ("coverage.benefitcategory", "coverage.categoryterm", "coverage.statuspolicy",
           "coverage.residencyrule")
_COMPUTED = ("coverage.coveragestatus", "coverage.coveragehistory", "coverage.recomputerun",
             "coverage.recomputechunk", "coverage.categoryfeedrun", "coverage.categoryfeedreject")

ROLE_PERMISSIONS = {
    HQ_OPERATOR: {
        **{model: "view,add,change" for model in _POLICY},
        **{model: "view" for model in _COMPUTED},
        "coverage.categorymembership": "view,add,change,delete",
        "coverage.categoryfeedrun": "view,add",
        "coverage.recomputerun": "view,start_recomputerun",  # never a read-only role's
    },
    REGIONAL_OPERATOR: {
        **{model: "view" for model in _POLICY},
        "coverage.coveragestatus": "view",
        "coverage.coveragehistory": "view",
        "coverage.categorymembership": "view,add,change",
    },
    ANALYST: {
        **{model: "view" for model in _POLICY + _COMPUTED},
        "coverage.categorymembership": "view",
    },
}
