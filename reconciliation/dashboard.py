"""The reconciliation panel of the admin index: open worklist and collections vs expected."""

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from osms.core.formatting import money, number, rate

from . import selectors
from .models import Discrepancy


def _money(value):
    return money(value or 0, 0)


def _share(collected, expected):
    if not expected:
        return 0.0
    return float(min(collected or 0, expected) / expected * 100)


def dashboard_panels(request):
    user = request.user
    if not user.has_perm("reconciliation.view_discrepancy") and not user.has_perm(
        "reconciliation.view_collectionsummary"
    ):
        return []
    totals = selectors.open_totals(user=user)
    months = selectors.collections_by_month(user=user, months=6)
    cards = [
        {"label": _("Open discrepancies"), "value": number(totals["items"]),
         "note": _("new or notified, your scope")},
        {"label": _("Amount at stake"), "value": _money(totals["total"]), "note": ""},
    ]
    bars = []
    for period, expected, collected in months:
        share = _share(collected, expected)
        bars.append({
            "label": _("%(p)s: collected of expected") % {"p": f"{period:%m.%Y}"},
            "value": f"{_money(collected)} / {_money(expected)} ({rate(share / 100)})",
            "share": share,
            "target": 100.0,
        })
    if months:
        latest = months[-1][0]
        lang = (get_language() or "ru")[:2]
        for row in selectors.collections_by_region(user=user, period=latest):
            share = _share(row["collected"], row["expected"])
            name = row.get(f"region__name_{lang}") or row["region__name_ru"]
            bars.append({
                "label": f"{latest:%m.%Y} · {name}",
                "value": rate(round(share, 1) / 100),
                "share": share,
            })
    if not bars and not totals["items"]:
        card = {"label": _("Reconciled periods"), "value": "0"}
        if user.has_perm("reconciliation.add_reconciliationrun"):
            card.update(url=reverse("admin:reconciliation_reconciliationrun_run_period"),
                        link=_("Reconcile a period"))
        else:
            card["note"] = _("Head office starts a reconciliation run for a month.")
        cards.append(card)
    return [{
        "key": "reconciliation",
        "title": _("Reconciliation with tax data (deductions 121 and contributions 122)"),
        "cards": cards,
        "bars": bars,
        "statuses": Discrepancy.Status.choices,
    }]
