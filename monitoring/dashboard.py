"""Monitoring panel of the admin index: rejected and reviewed shares by provider, top
failed rules, review deductions by month."""

from django.utils.translation import gettext_lazy as _

from osms.core import formatting

from . import selectors
from .models import ControlRule


def _percent(value):
    """«12,5 %»: one decimal in the active language's format."""
    return f"{formatting.number(round(value, 1), 1)}{formatting.NBSP}%"


def dashboard_panels(request):
    user = request.user
    if not user.has_perm("monitoring.view_case"):
        return []
    totals = selectors.outcome_totals(user=user)
    n = totals["n"] or 0
    bars = []
    for row in selectors.shares_by_provider(user=user)[:10]:
        share = 100.0 * row["rejected"] / row["total"] if row["total"] else 0.0
        bars.append({"label": row["provider__name"], "value": _percent(share),
                     "share": min(share, 100.0)})
    top = list(selectors.top_rules(user=user)[:4])
    said = {rule.code: rule.message for rule in ControlRule.objects.filter(
        code__in={r["rule_code"] for r in top}).order_by("code", "valid_from")}
    rules = "; ".join(f"{said.get(r['rule_code'], r['rule_code'])}: {formatting.number(r['n'])}"
                      for r in top)
    deductions = list(selectors.deductions_by_month(user=user, limit=1))
    return [{
        "key": "monitoring",
        "title": _("Monitoring of paid care"),
        "cards": [
            {"label": _("Cases"), "value": n},
            {"label": _("Rejected"), "value": totals["rejected"],
             "note": _percent(100.0 * totals["rejected"] / n) if n else ""},
            {"label": _("Sent to expert review"), "value": totals["review"],
             "note": _percent(100.0 * totals["review"] / n) if n else ""},
            {"label": _("Top failed rules"), "value": rules or "—"},
            {"label": _("Review deductions, last month"),
             "value": formatting.money(deductions[0]["total"] if deductions else 0)},
        ],
        "bars": bars,
    }]
