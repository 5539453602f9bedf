"""Reads of monitoring: a user's cases (a provider's account sees its provider's only),
a person's statement of care, the dashboard's shares."""

from django.db.models import Count, Q, Sum

from .models import Case, Outcome, ProviderAccount, ReviewFinding

PAID = (Outcome.ACCEPTED, Outcome.REVIEW)


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
    return (Case.objects.for_user(user, "view").filter(iin=iin, outcome__in=PAID)
            .select_related("provider", "care_type").order_by("-service_date", "-id"))


def shares_by_provider(*, user, period=None):
    rows = Case.objects.for_user(user, "view")
    if period is not None:
        rows = rows.filter(period=period)
    return (rows.values("provider__name", "region__name_ru")
            .annotate(total=Count("id"), rejected=Count("id", filter=Q(outcome="rejected")),
                      reviewed=Count("id", filter=Q(outcome="review")))
            .order_by("-rejected"))


def top_rules(*, user, limit=8):
    from .models import CaseVerdict

    return (CaseVerdict.objects.for_user(user, "view").values("rule_code")
            .annotate(n=Count("id")).order_by("-n")[:limit])


def deductions_by_month(*, user, limit=12):
    return (ReviewFinding.objects.for_user(user, "view").filter(withdrawn=False)
            .values("review__case__period").annotate(total=Sum("amount"))
            .order_by("-review__case__period")[:limit])
