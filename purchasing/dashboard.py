"""Purchasing panel of the admin index: campaigns, reviews pending, execution by region."""

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Allocation, Campaign, Contract


def dashboard_panels(request):
    user = request.user
    if not user.has_perm("purchasing.view_campaign"):
        return []
    year = timezone.localdate().year + (1 if timezone.localdate().month >= 10 else 0)
    campaigns = Campaign.objects.for_user(user).filter(year=year)
    by_status = dict(campaigns.values_list("status").annotate(n=Count("id")))
    under_review = Allocation.objects.for_user(user).filter(
        status=Allocation.Status.PROPOSED, campaign__year=year).count()
    signed = Contract.objects.for_user(user).filter(year=year, status="signed").count() \
        if user.has_perm("purchasing.view_contract") else 0
    bars = []
    if user.has_perm("purchasing.view_contractitem"):
        for row in selectors.execution_report(user=user, year=year,
                                              group_by=("contract__region__name_ru",))[:20]:
            bars.append({"label": row["label"], "value": f"{row['executed_share']:.1f} %",
                         "share": min(row["executed_share"], 100.0)})
    return [{
        "key": "purchasing",
        "title": _("Purchasing %(year)s") % {"year": year},
        "cards": [
            {"label": _("Campaigns"), "value": sum(by_status.values()),
             "note": _("%(n)s announced") % {"n": by_status.get("announced", 0)}},
            {"label": _("Allocations under review"), "value": under_review},
            {"label": _("Protocols approved"),
             "value": by_status.get("approved", 0) + by_status.get("contracted", 0)},
            {"label": _("Contracts signed"), "value": signed},
        ],
        "bars": bars,
    }]
