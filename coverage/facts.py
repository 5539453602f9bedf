"""Load the effective-dated policy and one person's facts for ``coverage.rules``.

One function per kind of data, looked up by date (CONTRIBUTING: "looked up by
date through one function per kind"). Used for a single person (the status API,
the person page); the nightly job reads the same tables in SQL.
"""

import datetime

from payers.selectors import contribution_months

from .models import CategoryMembership, CategoryTerm, ResidencyRule, StatusPolicy
from .rules import (
    NON_CONTRIBUTION_KINDS,
    Membership,
    PaidMonth,
    PersonFacts,
    Policy,
    Rulebook,
    Term,
)


class PolicyMissing(LookupError):
    """No status policy row covers the date: an operator must add one."""


def policy_on(on: datetime.date) -> Policy:
    row = StatusPolicy.objects.latest_on(on)
    if row is None:
        raise PolicyMissing(f"No status policy is in force on {on:%Y-%m-%d}.")
    return Policy(
        debt_window_months=row.debt_window_months,
        grace_months=row.grace_months,
        due_lag_months=row.due_lag_months,
        retention_after_months=row.retention_after_months,
        retention_months=row.retention_months,
        prepayment_max_months=row.prepayment_max_months,
        temporary_status_months=row.temporary_status_months,
    )


def terms_on(on: datetime.date) -> dict[str, Term]:
    rows = CategoryTerm.objects.valid_on(on).select_related("category").order_by("valid_from")
    return {
        row.category.code: Term(
            code=row.category.code,
            payer=row.payer,
            name_ru=row.category.name_ru,
            name_kk=row.category.name_kk,
            age_limit_years=row.category.age_limit_years,
            valid_to=row.valid_to,
        )
        for row in rows
    }


def residency_on(on: datetime.date) -> dict[str, tuple[bool, bool]]:
    rows = ResidencyRule.objects.valid_on(on).order_by("valid_from")
    return {row.citizenship: (row.categories_apply, row.payments_apply) for row in rows}


def rulebook_on(on: datetime.date) -> Rulebook:
    return Rulebook(policy=policy_on(on), terms=terms_on(on), residency=residency_on(on))


def person_facts(person) -> PersonFacts:
    memberships = tuple(
        Membership(code=code, starts_on=starts, ends_on=ends, source=source, document=document)
        for code, starts, ends, source, document in CategoryMembership.objects.filter(
            person=person
        ).values_list("category__code", "starts_on", "ends_on", "source", "document")
    )
    months = contribution_months(person=person, excluded_kinds=NON_CONTRIBUTION_KINDS)
    return PersonFacts(
        birth_date=person.birth_date,
        citizenship=person.citizenship,
        death_date=person.death_date,
        memberships=memberships,
        paid_months=tuple(PaidMonth(period, first_paid_on) for period, first_paid_on in months),
    )
