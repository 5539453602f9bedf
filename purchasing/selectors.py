"""Reads of purchasing, scoped to the user's region: review data, execution, payments due."""

from decimal import Decimal

from django.db.models import DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from .models import Allocation, Campaign, ContractItem, ExecutionAct, Protocol

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def campaign_list(*, user, year=None):
    queryset = Campaign.objects.for_user(user).select_related("region", "care_type")
    return queryset.filter(year=year) if year else queryset


def allocation_for_review(*, user, allocation_id):
    """The allocation if the user may see it (None for another region's or a missing one)."""
    return (Allocation.objects.for_user(user).select_related("campaign__commission")
            .filter(pk=allocation_id).first())


def protocols_approved(*, user, year=None):
    queryset = Protocol.objects.for_user(user).filter(status=Protocol.Status.APPROVED)
    return queryset.filter(campaign__year=year) if year else queryset


def plan_by_group(*, user, year, group_by):
    """Contract sums per group without joining acts (a join would repeat item sums)."""
    return {
        tuple(row[g] for g in group_by): row["plan"]
        for row in ContractItem.objects.for_user(user).filter(contract__year=year)
        .values(*group_by).annotate(plan=Sum("amount"))
    }


def execution_report(*, user, year, group_by=("contract__region__name_ru",
                                              "contract__provider__name")):
    """``execution_vs_plan`` with the plan summed without the acts join (exact)."""
    plans = plan_by_group(user=user, year=year, group_by=group_by)
    act_lookup = {f"item__{g}": g for g in group_by}
    acts = (
        ExecutionAct.objects.for_user(user).filter(item__contract__year=year)
        .values(*act_lookup)
        .annotate(
            claimed=Sum("amount_claimed"), accepted=Sum("amount_accepted"),
            withheld=Sum("over_execution_withheld"), deducted=Sum("quality_deductions"),
            due=Coalesce(Sum("amount_due", filter=Q(status="approved")), ZERO),
            paid=Coalesce(Sum("amount_due", filter=Q(status="paid")), ZERO),
        )
    )
    by_key = {tuple(row[f"item__{g}"] for g in group_by): row for row in acts}
    result = []
    for key in sorted(plans, key=lambda k: tuple(str(x) for x in k)):
        row = by_key.get(key, {})
        plan = plans[key] or Decimal("0")
        accepted = row.get("accepted") or Decimal("0")
        result.append({
            "key": key, "label": " · ".join(str(k) for k in key), "plan": plan,
            "claimed": row.get("claimed") or Decimal("0"), "accepted": accepted,
            "withheld": row.get("withheld") or Decimal("0"),
            "deducted": row.get("deducted") or Decimal("0"),
            "due": row.get("due") or Decimal("0"), "paid": row.get("paid") or Decimal("0"),
            "executed_share": float(accepted / plan * 100) if plan else 0.0,
        })
    return result


def payments_due(*, user):
    """Approved, unpaid acts with their sums (the Fund's payables to providers)."""
    return (ExecutionAct.objects.for_user(user).filter(status=ExecutionAct.Status.APPROVED)
            .select_related("item__contract__provider", "item__care_type")
            .annotate(provider_name=F("item__contract__provider__name"))
            .order_by("period", "item__contract__number"))
