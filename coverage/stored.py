"""A person's status for the status API, from the row the nightly run stored.

The live answer (``selectors.person_coverage``) aggregates the person's whole ledger and
reads the policy, the category terms and the residency rules on every call. The nightly
run has already folded the ledger into the paid-month bits of the person's
``CoverageStatus`` row (``models.PaidBits``: a month is paid when its net own
contributions are > 0, prepaid when its first positive payment came before it began —
exactly the facts ``rules.decide`` reads). So the status API decides from:

* the person row and their memberships, read live (a membership entered today counts);
* the paid months of the stored row, when no payment for the person was posted after the
  watermark of the run that wrote it (then they are the ledger's months exactly);
* the rulebook of the date from a process memo, dropped when an operator edits a policy,
  a term, a category or a residency rule.

A person without a stored row (new since the last run, or the SQLite demo) or with a
newer payment is decided from the ledger as before. Either way ``rules.decide`` makes the
decision, so the answer and its explanation are the live ones (a test compares them).
One query on PostgreSQL: the person with the stored row, its run, the newer-payment test
and the memberships (two elsewhere).
"""

import datetime

from django.db import connection
from django.db.models import Exists, OuterRef
from django.db.models.functions import JSONObject

from osms.core.memo import ProcessMemo, invalidate_on
from osms.core.periods import month_start
from payers.models import Payment, Person

from .explain import explanation_kk, explanation_ru
from .facts import person_facts, rulebook_on
from .models import (
    BenefitCategory,
    CategoryMembership,
    CategoryTerm,
    CoverageStatus,
    ResidencyRule,
    StatusPolicy,
)
from .rules import Membership, PaidMonth, PersonFacts, Rulebook, decide
from .selectors import CoverageResult

RULEBOOKS = ProcessMemo("coverage-rulebook")
invalidate_on(RULEBOOKS, StatusPolicy, CategoryTerm, ResidencyRule, BenefitCategory)


def cached_rulebook(on: datetime.date) -> Rulebook:
    """``facts.rulebook_on(on)`` from the memo (raises ``PolicyMissing`` like it)."""
    return RULEBOOKS.get(on, lambda: rulebook_on(on))


def person_with_status(*, iin: str, region_id=None) -> Person | None:
    """The person with this ИИН (in ``region_id`` when given), with the stored row,
    whether a payment was posted for them after the run that wrote it and (PostgreSQL)
    their memberships, in one query."""
    newer = Payment.objects.filter(
        person=OuterRef("pk"), id__gt=OuterRef("coverage_status__run__payment_watermark"))
    persons = Person.objects.filter(iin=iin)
    if region_id is not None:
        persons = persons.filter(region_id=region_id)
    persons = persons.select_related("coverage_status__run").annotate(
        paid_after_run=Exists(newer))
    if connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        persons = persons.annotate(membership_rows=ArraySubquery(
            CategoryMembership.objects.filter(person=OuterRef("pk")).values(
                row=JSONObject(code="category__code", starts_on="starts_on",
                               ends_on="ends_on", source="source", document="document"))))
    return persons.first()


def _day(value):
    return datetime.date.fromisoformat(value) if value else None


def memberships_of(person: Person) -> tuple[Membership, ...]:
    """The person's memberships: from ``person_with_status``'s column, else one query."""
    rows = getattr(person, "membership_rows", None)
    if rows is not None:
        return tuple(Membership(code=r["code"], starts_on=_day(r["starts_on"]),
                                ends_on=_day(r["ends_on"]), source=r["source"],
                                document=r["document"]) for r in rows)
    return tuple(
        Membership(code=code, starts_on=starts, ends_on=ends, source=source, document=document)
        for code, starts, ends, source, document in CategoryMembership.objects.filter(
            person=person
        ).values_list("category__code", "starts_on", "ends_on", "source", "document")
    )


def stored_row(person: Person) -> CoverageStatus | None:
    """The stored row when its paid months are the ledger's, else None."""
    try:
        row = person.coverage_status
    except CoverageStatus.DoesNotExist:
        return None
    if getattr(person, "paid_after_run", True) or row.run_id is None:
        return None
    return row


def paid_months(row: CoverageStatus) -> tuple[PaidMonth, ...]:
    """The stored bits as the rules module's paid months (a prepaid month's first payment
    is dated the day before the month, any other's on its first day: only that order
    matters to ``rules.decide``)."""
    if row.first_month is None or not row.paid:
        return ()
    prepaid = row.prepaid or ""
    months = []
    for k, bit in enumerate(row.paid):
        if bit != "1":
            continue
        period = month_start(row.first_month + k)
        early = k < len(prepaid) and prepaid[k] == "1"
        months.append(PaidMonth(period, period - datetime.timedelta(days=1) if early
                                else period))
    return tuple(months)


def stored_facts(person: Person, row: CoverageStatus) -> PersonFacts:
    return PersonFacts(birth_date=person.birth_date, citizenship=person.citizenship,
                       death_date=person.death_date, memberships=memberships_of(person),
                       paid_months=paid_months(row))


def status_of(person: Person, *, on: datetime.date) -> tuple[CoverageResult, bool]:
    """(the person's status on ``on``, whether the stored row answered)."""
    book = cached_rulebook(on)
    row = stored_row(person)
    facts = stored_facts(person, row) if row is not None else person_facts(person)
    decision = decide(facts, on=on, book=book)
    return CoverageResult(
        iin=person.iin, on=on, insured=decision.insured, basis=decision.basis,
        valid_until=decision.valid_until, explanation_ru=explanation_ru(decision),
        explanation_kk=explanation_kk(decision), decision=decision,
    ), row is not None
