"""Reads of coverage: a person's status on a date, history, and operator lists."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import get_language

from osms.core.periods import add_months, add_years, last_day
from payers import selectors as payers
from payers.models import Person

from .explain import explanation_kk, explanation_ru
from .facts import person_facts, rulebook_on
from .models import Basis, CategoryMembership, CoverageHistory, CoverageStatus, RecomputeRun
from .rules import Decision, decide


@dataclass(frozen=True)
class CoverageResult:
    iin: str
    on: datetime.date
    insured: bool
    basis: str | None
    valid_until: datetime.date | None
    explanation_ru: str
    explanation_kk: str
    decision: Decision | None = None

    @property
    def explanation(self) -> str:
        return self.explanation_kk if (get_language() or "ru")[:2] == "kk" else self.explanation_ru


def person_coverage(*, person: Person, on: datetime.date) -> CoverageResult:
    """The status of a loaded person on a date, decided by ``coverage.rules`` from live data."""
    decision = decide(person_facts(person), on=on, book=rulebook_on(on))
    return CoverageResult(
        iin=person.iin,
        on=on,
        insured=decision.insured,
        basis=decision.basis,
        valid_until=decision.valid_until,
        explanation_ru=explanation_ru(decision),
        explanation_kk=explanation_kk(decision),
        decision=decision,
    )


def coverage_on(*, iin: str, on: datetime.date) -> CoverageResult | None:
    """Is the person with this ИИН insured on ``on``, on what basis, until when, and why?

    None for an ИИН not in the registry. Answers for any date from the ledger and
    the memberships (not from the nightly table), so a payment counts at once.
    """
    person = payers.registered_person(iin=iin)
    if person is None:
        return None
    return person_coverage(person=person, on=on)


def person_for_status(*, user, iin: str) -> Person | None:
    """The person whose insured status ``user`` may learn: the coverage view permission and
    the person's region in the user's scope (the status API and the eligibility check
    answer alike). None otherwise, so "another region" and "not registered" look the same.
    """
    return (Person.objects.for_user(user, "view", permission_of=CoverageStatus)
            .filter(iin=iin).first())


def status_history(*, person: Person):
    return CoverageHistory.objects.filter(person=person).select_related("run").order_by(
        "-changed_on", "-id")


def memberships_of(*, person: Person):
    return CategoryMembership.objects.filter(person=person).select_related("category")


def statuses(*, user):
    return CoverageStatus.objects.for_user(user).select_related("person", "person__region")


OWN_BASES = (Basis.PAYMENTS, Basis.PREPAYMENT, Basis.GRACE, Basis.RETENTION)
CATEGORY_BASES = (Basis.BENEFIT_CATEGORY, Basis.LOCAL_BUDGET)


def next_month_bounds(on: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = add_months(on, 1)
    return first, last_day(first)


def losing_status_q(on: datetime.date, days: int = 30) -> Q:
    """Insured by payments, grace or retention, and the status ends within ``days``."""
    return Q(insured=True, basis__in=OWN_BASES, valid_until__gte=on,
             valid_until__lte=on + datetime.timedelta(days=days))


def turning_18_q(on: datetime.date) -> Q:
    """The 18th birthday falls next month (the Fund warns school leavers)."""
    first, last = next_month_bounds(on)
    return Q(person__birth_date__gte=add_years(first, -18),
             person__birth_date__lte=add_years(last, -18))


def category_ending_q(on: datetime.date, days: int = 30) -> Q:
    """Insured by a category (other than the derived children one) ending within ``days``."""
    return Q(insured=True, basis__in=CATEGORY_BASES, valid_until__gte=on,
             valid_until__lte=on + datetime.timedelta(days=days)) & ~Q(category_code="children")


def persons_losing_status(*, user, on: datetime.date, days: int = 30):
    return statuses(user=user).filter(losing_status_q(on, days))


def persons_turning_18(*, user, on: datetime.date):
    return statuses(user=user).filter(turning_18_q(on))


def categories_ending(*, user, on: datetime.date, days: int = 30):
    return statuses(user=user).filter(category_ending_q(on, days))


PAYER_TYPES = ("employee", "self_employed", "non_payer")


def uninsured_by_region_and_payer_type(*, user, on: datetime.date):
    """Counts of uninsured persons by region and payer type (employment / activity on ``on``)."""
    employed = payers.employments_on(on=on).filter(employee=OuterRef("person"))
    active = payers.activities_on(on=on).filter(person=OuterRef("person"))
    rows = (
        statuses(user=user)
        .filter(insured=False)
        .annotate(employed=Exists(employed), active=Exists(active))
        .values("person__region__kato", "employed", "active")
        .annotate(count=Count("person"))
        .order_by("person__region__kato")
    )
    table: dict[str, dict[str, int]] = {}
    for row in rows:
        payer_type = ("employee" if row["employed"] else
                      "self_employed" if row["active"] else "non_payer")
        counts = table.setdefault(row["person__region__kato"], dict.fromkeys(PAYER_TYPES, 0))
        counts[payer_type] += row["count"]
    return table


def last_run():
    return RecomputeRun.objects.filter(status=RecomputeRun.Status.DONE).first()


def insured_share(*, user):
    """Insured and total persons by region and by basis, from the nightly table."""
    base = statuses(user=user)
    by_region = list(
        base.values("person__region__kato").annotate(
            total=Count("person"), insured=Count("person", filter=Q(insured=True)))
        .order_by("person__region__kato")
    )
    by_basis = list(base.filter(insured=True).values("basis").annotate(count=Count("person"))
                    .order_by("-count"))
    return by_region, by_basis
