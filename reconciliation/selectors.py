"""Reads of the worklist and the summaries, scoped to the user's region."""

from django.db.models import Count, Q, Sum

from .models import CollectionSummary, Discrepancy, EmployerNotice

OPEN = (Discrepancy.Status.NEW, Discrepancy.Status.NOTIFIED)
CONTRIBUTION_KINDS = ("employer_deduction", "employee_contribution")


def discrepancy_list(*, user, period=None, status=None, type=None, employer=None):
    queryset = Discrepancy.objects.for_user(user).select_related(
        "employer", "person", "region", "assignee"
    )
    if period is not None:
        queryset = queryset.filter(period=period)
    if status is not None:
        queryset = queryset.filter(status__in=[status] if isinstance(status, str) else status)
    if type is not None:
        queryset = queryset.filter(type=type)
    if employer is not None:
        queryset = queryset.filter(employer=employer)
    return queryset


def worklist_by_employer(*, user, period=None):
    """Open discrepancies grouped by employer: count and amount, largest first."""
    queryset = discrepancy_list(user=user, period=period, status=OPEN).filter(
        employer__isnull=False
    )
    return (
        queryset.values("employer_id", "employer__bin", "employer__name", "region__kato", "period")
        .annotate(items=Count("id"), total=Sum("amount"))
        .order_by("-total")
    )


def open_totals(*, user):
    return discrepancy_list(user=user, status=OPEN).aggregate(items=Count("id"),
                                                              total=Sum("amount"))


def notice_list(*, user):
    return EmployerNotice.objects.for_user(user).select_related("employer", "region")


def summary_list(*, user, period=None, region=None, payer_type=None):
    queryset = CollectionSummary.objects.for_user(user).select_related("region")
    if period is not None:
        queryset = queryset.filter(period=period)
    if region is not None:
        queryset = queryset.filter(region=region)
    if payer_type is not None:
        queryset = queryset.filter(payer_type=payer_type)
    return queryset


def collections_by_month(*, user, months=12):
    """[(period, expected, collected)] for deductions and contributions, latest months."""
    rows = (
        summary_list(user=user)
        .filter(payer_type__in=CONTRIBUTION_KINDS)
        .values("period")
        .annotate(expected=Sum("expected"), collected=Sum("collected"))
        .order_by("-period")[:months]
    )
    return [(r["period"], r["expected"], r["collected"]) for r in reversed(list(rows))]


def collections_by_region(*, user, period):
    return list(
        summary_list(user=user, period=period)
        .filter(payer_type__in=CONTRIBUTION_KINDS)
        .values("region__kato", "region__name_ru", "region__name_kk", "region__name_en")
        .annotate(expected=Sum("expected"), collected=Sum("collected"),
                  declared=Sum("declared", filter=Q(declared__isnull=False)))
        .order_by("region__kato")
    )
