"""Reads of monitoring: a user's cases (a provider's account sees its provider's only),
a person's statement of care, the dashboard's shares, the cases an act pays.

The control's decision on a case (outcome, funding source, amount by the tariff, risk) is a
row of ``CaseDecision`` (``case.decision``; none: not controlled yet): these reads join it,
and ``Case``'s properties (``outcome``, ``payable``, …) read it from the loaded row.
"""

from decimal import Decimal

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce

from purchasing.models import Provider

from .models import Case, CaseDecision, Outcome, ProviderAccount, ReviewFinding

PAID = (Outcome.ACCEPTED, Outcome.REVIEW)
OUTCOME = "decision__outcome"


def decided(queryset):
    """``queryset`` of cases with each case's decision loaded in the same query."""
    return queryset.select_related("decision")


def with_outcome(queryset, outcomes):
    """The cases of ``queryset`` whose decision's outcome is one of ``outcomes``."""
    return queryset.filter(**{f"{OUTCOME}__in": list(outcomes)})


def decision_of(case):
    """The case's decision row, or None (not controlled yet)."""
    return CaseDecision.objects.filter(case_id=case.pk).first()


def highest_risk(*, period):
    """The highest risk score of the month's decisions (0 without any)."""
    return (CaseDecision.objects.filter(period=period).aggregate(top=Max("risk_score"))["top"]
            or Decimal("0"))


def paid_cases(*, item, period):
    """The contract item's cases of the month that the control accepted or sent to review."""
    return with_outcome(Case.objects.filter(contract_item=item, period=period), PAID)


def paid_totals(cases):
    """How many ``cases`` and Σ their amount by the tariff (the claimed amount without one)."""
    return cases.aggregate(n=Count("id"), amount=Sum(Coalesce("decision__amount_expected",
                                                              "amount_claimed")))


def case_search(queryset, term, *, case_path=""):
    """Rows of a big table of cases (``case_path``: the way from its rows to the case, e.g.
    ``"case__"``) found by an exact key the case table's indexes serve, never by a scan:

    - a ИИН or a provider's БИН (12 digits): the cases of that patient (the hash index on
      the ИИН) or of that provider (the head of the unique key (provider, case number));
    - a provider's БИН, a space and the provider's case number: that one case (the key).

    Any other term gives ``None`` so the caller may say what to type: a case number alone is
    unique only within its provider, and an index for it would cost every import."""
    first, _space, rest = (term or "").strip().partition(" ")
    if not (first.isdigit() and len(first) == 12):
        return None
    providers = list(Provider.objects.filter(bin=first).values_list("id", flat=True))
    if rest.strip():
        return queryset.filter(**{f"{case_path}provider_id__in": providers,
                                  f"{case_path}case_number": rest.strip()})
    # Literal lists and plain columns: the planner ORs two index scans in a bitmap.
    return queryset.filter(Q(**{f"{case_path}iin": first})
                           | Q(**{f"{case_path}provider_id__in": providers}))


def provider_of(user):
    """The provider a user acts for (its account), or None."""
    if user is None or not user.is_authenticated:
        return None
    account = ProviderAccount.objects.filter(user=user).first()
    return account.provider_id if account else None


def cases_for(user, action="view"):
    queryset = Case.objects.for_user(user, action)
    provider = provider_of(user)
    return queryset.filter(provider_id=provider) if provider else queryset


def statement_of_care(*, user, iin):
    """The paid cases of the person with ``iin`` that ``user`` may see, newest first."""
    return (with_outcome(Case.objects.for_user(user, "view").filter(iin=iin), PAID)
            .select_related("provider", "care_type", "decision")
            .order_by("-service_date", "-id"))


def shares_by_provider(*, user, period=None):
    rows = Case.objects.for_user(user, "view")
    if period is not None:
        rows = rows.filter(period=period)
    return (rows.values("provider__name", "region__name_ru")
            .annotate(total=Count("id"),
                      rejected=Count("id", filter=Q(**{OUTCOME: Outcome.REJECTED})),
                      reviewed=Count("id", filter=Q(**{OUTCOME: Outcome.REVIEW})))
            .order_by("-rejected"))


def top_rules(*, user, limit=8):
    from .models import CaseVerdict

    return (CaseVerdict.objects.for_user(user, "view").values("rule_code")
            .annotate(n=Count("id")).order_by("-n")[:limit])


def deductions_by_month(*, user, limit=12):
    return (ReviewFinding.objects.for_user(user, "view").filter(withdrawn=False)
            .values("review__case__period").annotate(total=Sum("amount"))
            .order_by("-review__case__period")[:limit])


def outcome_totals(*, user):
    """The user's cases: how many, how many rejected, how many sent to review."""
    return Case.objects.for_user(user).aggregate(
        n=Count("id"), rejected=Count("id", filter=Q(**{OUTCOME: Outcome.REJECTED})),
        review=Count("id", filter=Q(**{OUTCOME: Outcome.REVIEW})))
