"""What the health check (``osms.core.health``) watches in payers: the arrears job, the
payment imports, and the rates and reference values the calculator and the arrears read."""

from django.utils.translation import gettext_lazy as _

from osms.core.health import Job, Reference

from . import rates
from .models import KnpCode, PayerType, ReferenceKind

JOBS = [
    Job("payers.arrears", _("Arrears and penalties"), task="payers.arrears_recompute"),
    Job("payers.payment_import", _("Payment imports"), model="payers.ImportRun", every=""),
]


def _rates(today):
    period = today.replace(day=1)
    lines = rates.schedule_on(payer_type=PayerType.EMPLOYEE, period=period)
    rates.reference_value(kind=ReferenceKind.MZP, period=period)
    rates.penalty_rule_on(day=today)
    return True, {"employee_lines": len(lines), "knp_codes": KnpCode.objects.count()}


REFERENCES = [Reference("contribution_rates", _rates)]
