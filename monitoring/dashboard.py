"""Monitoring panel of the admin index: rejected and reviewed shares by provider, top
failed rules, review deductions by month."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Case


def dashboard_panels(request):
    user = request.user
    if not user.has_perm("monitoring.view_case"):
        return []
    cases = Case.objects.for_user(user)
    totals = cases.aggregate(n=Count("id"), rejected=Count("id", filter=Q(outcome="rejected")),
                             review=Count("id", filter=Q(outcome="review")))
    n = totals["n"] or 0
    bars = []
    for row in selectors.shares_by_provider(user=user)[:10]:
        share = 100.0 * row["rejected"] / row["total"] if row["total"] else 0.0
        bars.append({"label": row["provider__name"], "value": f"{share:.1f} %",
                     "share": min(share, 100.0)})
    rules = ", ".join(f"{r['rule_code']} {r['n']}" for r in selectors.top_rules(user=user)[:4])
    deductions = list(selectors.deductions_by_month(user=user, limit=1))
    return [{
        "key": "monitoring",
        "title": _("Monitoring of paid care"),
        "cards": [
            {"label": _("Cases"), "value": n},
            {"label": _("Rejected"), "value": totals["rejected"],
             "note": f"{100.0 * totals['rejected'] / n:.1f} %" if n else ""},
            {"label": _("Sent to expert review"), "value": totals["review"],
             "note": f"{100.0 * totals['review'] / n:.1f} %" if n else ""},
            {"label": _("Top failed rules"), "value": rules or "—"},
            {"label": _("Review deductions, last month"),
             "value": deductions[0]["total"] if deductions else 0},
        ],
        "bars": bars,
    }]
