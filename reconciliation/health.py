"""What the health check (``osms.core.health``) watches in reconciliation: the nightly
late-data run, the monthly closed-period run, the declaration imports, and the rule in force
for the last closed period."""

from django.utils.translation import gettext_lazy as _

from osms.core.health import Job, Reference

from .jobs import last_closed_period
from .reconcile import rule_for

JOBS = [
    Job("reconciliation.late_data", _("Reconciliation of late data"),
        task="reconciliation.reconcile_late_data", model="reconciliation.ReconciliationRun",
        only={"trigger": "nightly"}),
    Job("reconciliation.closed_period", _("Reconciliation of the closed month"),
        task="reconciliation.reconcile_closed_period", model="reconciliation.ReconciliationRun",
        only={"trigger": "monthly"}, every="monthly"),
    Job("reconciliation.declaration_import", _("Declaration imports"),
        model="reconciliation.DeclarationImportRun", every=""),
]


def _rule(today):
    period = last_closed_period(today)
    rule = rule_for(period)
    return True, {"period": f"{period:%Y-%m}", "tolerance": str(rule.tolerance)}


REFERENCES = [Reference("reconciliation_rule", _rule)]
