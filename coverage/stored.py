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

A person without a stored row (new since the last run) or with a newer payment is decided
from the ledger as before; so is everyone on SQLite (the demo has no nightly run). Either
way ``rules.decide`` makes the decision, so the answer and its explanation are the live
ones (a test compares them on a generated population). On PostgreSQL it is one statement
(``PERSON_WITH_STATUS``, with the access log's INSERT as a CTE), written by hand: the ORM
took longer to compile it than the database to run it.
"""

import datetime

from django.db import connection

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
    RecomputeRun,
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


# The person with this ИИН (in the caller's region when %(region)s is not null) as ``found``;
# {log} is the access log's CTE writing one row for that person in the same statement
# (``osms.core.access_log.status_api_cte``). Then the stored row's bits, whether a payment
# was posted for the person after the watermark of the run that wrote the row (an index
# probe of payment_person_period_idx), and the memberships as JSON arrays
# [code, starts_on, ends_on, source, document].
PERSON_WITH_STATUS = """
WITH found AS (
    SELECT p.id, p.iin, p.birth_date, p.citizenship, p.death_date
    FROM {person} p
    WHERE p.iin = %(iin)s AND (%(region)s::bigint IS NULL OR p.region_id = %(region)s::bigint)
){log}
SELECT f.id, f.iin, f.birth_date, f.citizenship, f.death_date,
       s.person_id IS NOT NULL AND r.id IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM {payment} x WHERE x.person_id = f.id AND x.id > r.payment_watermark
       ) AS row_current,
       s.first_month, s.paid::text, s.prepaid::text,
       ARRAY(SELECT json_build_array(c.code, m.starts_on, m.ends_on, m.source, m.document)
             FROM {membership} m JOIN {category} c ON c.id = m.category_id
             WHERE m.person_id = f.id) AS memberships
FROM found f
LEFT JOIN {status} s ON s.person_id = f.id
LEFT JOIN {run} r ON r.id = s.run_id
"""


def _sql(log_sql=""):
    tables = {"payment": Payment, "membership": CategoryMembership, "category": BenefitCategory,
              "person": Person, "status": CoverageStatus, "run": RecomputeRun}
    names = {k: m._meta.db_table for k, m in tables.items()}
    return PERSON_WITH_STATUS.format(log=f", {log_sql}" if log_sql else "", **names)


def paid_months(first_month, paid, prepaid) -> tuple[PaidMonth, ...]:
    """Stored bits as the rules module's paid months (a prepaid month's first payment is
    dated the day before the month, any other's on its first day: only that order matters
    to ``rules.decide``)."""
    if first_month is None or not paid:
        return ()
    prepaid = prepaid or ""
    months = []
    for k, bit in enumerate(paid):
        if bit != "1":
            continue
        period = month_start(first_month + k)
        early = k < len(prepaid) and prepaid[k] == "1"
        months.append(PaidMonth(period, period - datetime.timedelta(days=1) if early
                                else period))
    return tuple(months)


def _day(value):
    return datetime.date.fromisoformat(value) if value else None


def _memberships(rows) -> tuple[Membership, ...]:
    return tuple(Membership(code=code, starts_on=_day(starts), ends_on=_day(ends),
                            source=source, document=document)
                 for code, starts, ends, source, document in rows)


def _decided(person_iin, facts, on):
    decision = decide(facts, on=on, book=cached_rulebook(on))
    return CoverageResult(
        iin=person_iin, on=on, insured=decision.insured, basis=decision.basis,
        valid_until=decision.valid_until, explanation_ru=explanation_ru(decision),
        explanation_kk=explanation_kk(decision), decision=decision,
    )


def api_status(*, iin: str, on: datetime.date, region_id=None, log=None):
    """(person id, the status on ``on``, whether the stored row answered), or None for an
    ИИН not in the registry (or not in ``region_id``). Raises ``PolicyMissing``.

    ``log``: an ``osms.core.access_log.Viewer``: the view is recorded in the same
    statement (a CTE over ``found``) on PostgreSQL, by its own INSERT elsewhere.
    """
    cached_rulebook(on)  # a date without a policy fails before any person is read
    if connection.vendor != "postgresql":
        person = Person.objects.filter(iin=iin)
        if region_id is not None:
            person = person.filter(region_id=region_id)
        person = person.first()
        if person is None:
            return None
        if log is not None:
            log.person(person.pk)
        return person.pk, _decided(person.iin, person_facts(person), on), False
    log_sql, log_params = log.cte("found") if log is not None else ("", {})
    with connection.cursor() as cursor:
        cursor.execute(_sql(log_sql), {"iin": iin, "region": region_id, **log_params})
        found = cursor.fetchone()
    if found is None:
        return None
    (pk, person_iin, birth_date, citizenship, death_date, row_current, first_month, paid,
     prepaid, memberships) = found
    person = Person(id=pk, iin=person_iin, birth_date=birth_date, citizenship=citizenship,
                    death_date=death_date)
    if row_current:
        facts = PersonFacts(birth_date=birth_date, citizenship=citizenship,
                            death_date=death_date, memberships=_memberships(memberships),
                            paid_months=paid_months(first_month, paid, prepaid))
    else:
        facts = person_facts(person)  # the ledger and the memberships, live
    return pk, _decided(person_iin, facts, on), bool(row_current)
