"""The insured-status rules of law art. 5 (docs/domain.md §5): the one policy module.

``decide(facts, on=date, book=Rulebook)`` answers "is this person insured on
this date, on what basis, until when, and why" from plain facts: the person's
birth date, residency and death date, category memberships, and the months
for which the person's own contributions were paid. The numbers come from the
effective-dated ``StatusPolicy``, ``CategoryTerm`` and ``ResidencyRule`` rows
(see ``coverage.facts``); ``coverage.recompute`` implements the same decision
in SQL for everyone at once, and a test keeps the two in agreement.

The rules, in order:
1. after the date of death nobody is insured;
2. a benefit category that holds on the date (a membership, or a child under the
   category's age limit derived from the IIN birth date) insures while it holds,
   if the residency rule lets categories apply: republican budget first
   (basis ``benefit_category``), then local budget (``local_budget``);
3. payments: only months in the no-debt window (the current month back to the
   same month ``debt_window_months`` before) and prepaid months count. A payment
   first clears debt, so the months paid fill the window from the first paid
   month on: *paid through* = first paid month + number of paid months − 1.
   The unpaid months after it are debt; while they are at most ``grace_months``
   the person is insured (``payments`` while only the not-yet-due months are
   missing, else ``grace``; ``prepayment`` when the current month was paid
   before it began). A status becomes due for a recheck every month;
4. retention: a person whose last paid month ends ``retention_after_months``
   continuous paid months keeps the status ``retention_months`` after the paid
   through month (from 2026: 6 after 60); not for budget-paid categories;
5. otherwise the person is not insured.
"""

import datetime
from dataclasses import dataclass, field

from osms.core.periods import add_years, month_end, month_index, month_start

# Ledger kinds that are not the person's own contributions: penalties, and the
# budgets' payments for categories (their status comes from the membership).
NON_CONTRIBUTION_KINDS = ("penalty", "state", "local_budget")


@dataclass(frozen=True)
class Policy:
    debt_window_months: int = 12
    grace_months: int = 3
    due_lag_months: int = 1
    retention_after_months: int | None = None
    retention_months: int = 0
    prepayment_max_months: int = 12
    temporary_status_months: int = 1

    def horizon(self, index: int) -> tuple[int, int]:
        """Month indexes whose payments count on month ``index`` (both ends included)."""
        low = index - self.debt_window_months
        if self.retention_after_months:
            low = min(low, index - self.retention_months - self.retention_after_months)
        return low, index + self.prepayment_max_months


@dataclass(frozen=True)
class Term:
    """A category as the law has it on the date."""

    code: str
    payer: str  # "republican" or "local_budget"
    name_ru: str = ""
    name_kk: str = ""
    age_limit_years: int | None = None
    valid_to: datetime.date | None = None


@dataclass(frozen=True)
class Membership:
    code: str
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    source: str = "feed"
    document: str = ""


@dataclass(frozen=True)
class PaidMonth:
    period: datetime.date
    first_paid_on: datetime.date


@dataclass(frozen=True)
class PersonFacts:
    birth_date: datetime.date
    citizenship: str = "citizen"
    death_date: datetime.date | None = None
    memberships: tuple[Membership, ...] = ()
    paid_months: tuple[PaidMonth, ...] = ()


@dataclass(frozen=True)
class Rulebook:
    """Everything in force on one date."""

    policy: Policy
    terms: dict[str, Term] = field(default_factory=dict)
    # citizenship → (categories apply, payments apply); a missing one has citizens' rights
    residency: dict[str, tuple[bool, bool]] = field(default_factory=dict)

    def rights(self, citizenship: str) -> tuple[bool, bool]:
        return self.residency.get(citizenship, (True, True))


@dataclass(frozen=True)
class Decision:
    insured: bool
    basis: str | None
    valid_until: datetime.date | None
    reason: str
    category: Term | None = None
    membership: Membership | None = None
    last_paid: datetime.date | None = None      # last month paid, up to the current one
    paid_through: datetime.date | None = None   # after payments cleared the debt
    first_unpaid: datetime.date | None = None
    next_paid: datetime.date | None = None      # the first prepaid month after this one
    paid_in_window: int = 0
    policy: Policy | None = None


def _until_key(until):
    return (0, 0) if until is None else (1, -until.toordinal())


def category_candidate(facts: PersonFacts, on: datetime.date, book: Rulebook):
    """The category that decides the status on ``on``: (term, membership or None, until)."""
    candidates = []
    for term in book.terms.values():
        if term.age_limit_years:
            birthday = add_years(facts.birth_date, term.age_limit_years)
            if on < birthday:
                until = birthday - datetime.timedelta(days=1)
                if term.valid_to is not None:
                    until = min(until, term.valid_to)
                candidates.append((term, None, until))
    for member in facts.memberships:
        term = book.terms.get(member.code)
        if term is None or member.starts_on > on:
            continue
        if member.ends_on is not None and member.ends_on < on:
            continue
        ends = [d for d in (member.ends_on, term.valid_to) if d is not None]
        candidates.append((term, member, min(ends) if ends else None))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0].payer != "republican", _until_key(c[2]), c[0].code))
    return candidates[0]


def decide(facts: PersonFacts, *, on: datetime.date, book: Rulebook) -> Decision:
    if facts.death_date is not None and on > facts.death_date:
        return Decision(False, None, None, "deceased")
    categories_apply, payments_apply = book.rights(facts.citizenship)
    if categories_apply:
        found = category_candidate(facts, on, book)
        if found is not None:
            term, member, until = found
            basis = "benefit_category" if term.payer == "republican" else "local_budget"
            reason = "child" if member is None else (
                "temporary" if member.source == "temporary" else "category")
            return Decision(True, basis, until, reason, category=term, membership=member)
    if not payments_apply:
        return Decision(False, None, None, "no_rights")
    return _decide_payments(facts, on, book.policy, categories_apply)


def _decide_payments(facts, on, policy, categories_apply):
    current = month_index(on)
    low, high = policy.horizon(current)
    paid = {}
    for month in facts.paid_months:
        index = month_index(month.period)
        if low <= index <= high:
            paid[index] = month.first_paid_on
    window_start = current - policy.debt_window_months
    in_window = sorted(i for i in paid if i >= window_start)
    past = [i for i in paid if i <= current]
    last = max(past) if past else None
    later = [i for i in paid if i > current]
    next_paid = month_start(min(later)) if later else None
    last_paid = month_start(last) if last is not None else None
    no_status = "no_rights_unpaid" if not categories_apply else "unpaid"
    if not in_window or in_window[0] > current:
        reason = "prepaid_later" if next_paid else (no_status if last is None else "lapsed")
        return Decision(False, None, None, reason, last_paid=last_paid, next_paid=next_paid,
                        policy=policy)
    through = in_window[0] + len(in_window) - 1
    debt = current - through
    retained = bool(policy.retention_after_months) and last is not None and all(
        i in paid for i in range(last - policy.retention_after_months + 1, last + 1))
    common = dict(last_paid=last_paid, paid_through=month_start(through),
                  first_unpaid=month_start(through + 1), next_paid=next_paid,
                  paid_in_window=len(in_window), policy=policy)
    if debt <= policy.grace_months:
        reach = policy.grace_months
        if retained:
            reach = max(reach, policy.retention_months)
        if debt <= 0 and current in paid and paid[current] < month_start(current):
            basis = "prepayment"
        elif debt <= policy.due_lag_months:
            basis = "payments"
        else:
            basis = "grace"
        return Decision(True, basis, month_end(through + reach), basis, **common)
    if retained and debt <= policy.retention_months:
        return Decision(True, "retention", month_end(through + policy.retention_months),
                        "retention", **common)
    return Decision(False, None, None, "lapsed", **common)
