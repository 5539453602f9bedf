"""The status row keeps what its decision read besides it (the registry facts, whether a
membership was in force); an incremental run reads the registry again only for persons new
or changed there since the previous run, and the memberships only of persons who had one or
whose memberships changed."""

import datetime

import pytest

from coverage import recompute, services
from coverage.models import CategoryMembership, CoverageStatus
from coverage.recompute_sql import MEMBERSHIPS, REGISTRY
from payers.models import Person
from tests.coverage.helpers import member, pay, pay_months
from tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]  # the recomputation runs on PostgreSQL

D = datetime.date


def facts(person):
    return CoverageStatus.objects.values_list(
        "birth_date", "citizenship", "death_date").get(person=person)


def held(person):
    return CoverageStatus.objects.values_list("held_membership", flat=True).get(person=person)


@pytest.fixture
def sources(monkeypatch):
    """For each listed chunk, what touched its persons: {person id: sources}."""
    seen = []
    work = recompute._work

    def recording(run, chunk):
        if chunk.person_ids is not None:  # a listed chunk (a range chunk reads everyone)
            seen.append(dict(zip(chunk.person_ids, chunk.person_sources, strict=True)))
        return work(run, chunk)

    monkeypatch.setattr(recompute, "_work", recording)
    return seen


def read_from_registry(sources):
    """The persons each listed chunk was told to read from the registry."""
    return [sorted(p for p, s in chunk.items() if s & REGISTRY) for chunk in sources]


def test_a_full_run_writes_the_facts_it_decided_from():
    person = PersonFactory(citizenship="kandas")
    services.status_recompute(on=D(2026, 11, 23), full=True)
    assert facts(person) == (person.birth_date, "kandas", None)


def test_a_person_touched_by_a_payment_is_decided_from_the_facts_on_the_status_row(
        sources):
    person = PersonFactory()
    pay_months(person, D(2026, 6, 1), D(2026, 10, 1))
    services.status_recompute(on=D(2026, 11, 23), full=True)
    # A write that leaves no history row is not a registry change the job is told of: the
    # incremental run does not read the registry row, so it does not see it.
    Person.objects.filter(pk=person.pk).update(death_date=D(2026, 11, 1))
    pay(person, D(2026, 11, 1), paid_on=D(2026, 11, 24))
    run = services.status_recompute(on=D(2026, 11, 25))
    assert read_from_registry(sources) == [[]]
    assert run.transitions == {"payments→payments": 1}  # valid a month longer, still alive
    assert facts(person) == (person.birth_date, "citizen", None)
    # Saved through the model, the change leaves a history row: read, and decided from.
    person.refresh_from_db()
    person.save()
    run = services.status_recompute(on=D(2026, 11, 26))
    assert read_from_registry(sources)[1:] == [[person.pk]]
    assert run.transitions == {"payments→uninsured": 1}
    assert facts(person) == (person.birth_date, "citizen", D(2026, 11, 1))


def test_new_and_changed_persons_are_read_from_the_registry_the_others_are_not(
        sources):
    paying, moved, resident = (PersonFactory() for _ in range(3))
    for person in (paying, moved, resident):
        pay_months(person, D(2026, 6, 1), D(2026, 10, 1))
    services.status_recompute(on=D(2026, 11, 23), full=True)
    pay(paying, D(2026, 11, 1), paid_on=D(2026, 11, 24))
    moved.citizenship = "foreign_temporary"
    moved.save()
    newborn = PersonFactory(born=D(2026, 11, 20))
    run = services.status_recompute(on=D(2026, 11, 25))
    assert read_from_registry(sources) == [sorted([moved.pk, newborn.pk])]
    assert run.persons == 3
    assert facts(moved)[1] == "foreign_temporary"
    assert facts(newborn) == (D(2026, 11, 20), "citizen", None)
    assert CoverageStatus.objects.get(person=newborn).basis == "benefit_category"  # a child
    assert facts(resident) == (resident.birth_date, "citizen", None)  # not touched


def test_rows_without_facts_are_decided_from_the_registry_and_get_them(sources):
    """As every row is right after migration 0012: the next run reads the registry."""
    child, adult = PersonFactory(born=D(2015, 3, 1)), PersonFactory()
    for person in (child, adult):
        pay_months(person, D(2026, 6, 1), D(2026, 10, 1))
    services.status_recompute(on=D(2026, 11, 23), full=True)
    before = {s.person_id: (s.insured, s.basis, s.valid_until)
              for s in CoverageStatus.objects.all()}
    CoverageStatus.objects.update(birth_date=None, citizenship="", death_date=None)
    for person in (child, adult):
        pay(person, D(2026, 11, 1), paid_on=D(2026, 11, 24))
    services.status_recompute(on=D(2026, 11, 25))
    assert read_from_registry(sources) == [[]]  # neither changed in the registry: read for want of facts
    assert facts(child) == (D(2015, 3, 1), "citizen", None)
    assert facts(adult) == (adult.birth_date, "citizen", None)
    after = {s.person_id: (s.insured, s.basis, s.valid_until)
             for s in CoverageStatus.objects.all()}
    assert after[child.pk] == before[child.pk]  # the child's category, as before
    assert after[adult.pk] == (True, "payments", D(2027, 2, 28))  # November paid: a month on


def test_memberships_are_read_only_for_persons_who_had_one_or_whose_memberships_changed(
        sources):
    payer, pensioner = PersonFactory(), PersonFactory(born=D(1955, 4, 2))
    pay_months(payer, D(2026, 6, 1), D(2026, 10, 1))
    member(pensioner, "pensioners", D(2020, 1, 1))
    services.status_recompute(on=D(2026, 11, 23), full=True)
    assert (held(payer), held(pensioner)) == (False, True)
    # A membership the job is not told of (no change stamp after the run, started before
    # it): the payer had none in force, is touched by a payment only, and is decided
    # without reading the memberships.
    hidden = member(payer, "pensioners", D(2020, 1, 1))
    CategoryMembership.objects.filter(pk=hidden.pk).update(changed_at=D(2020, 1, 1))
    pay(payer, D(2026, 11, 1), paid_on=D(2026, 11, 24))
    pay(pensioner, D(2026, 11, 1), paid_on=D(2026, 11, 24))
    run = services.status_recompute(on=D(2026, 11, 25))
    assert sources == [{payer.pk: 0, pensioner.pk: 0}]
    assert run.transitions == {"payments→payments": 1}  # the payer's month; the pensioner's
    assert CoverageStatus.objects.get(person=payer).basis == "payments"  # category stays
    assert CoverageStatus.objects.get(person=pensioner).basis == "benefit_category"  # read
    # Saved through the model, the membership is stamped: read, and decided from.
    hidden.save()
    run = services.status_recompute(on=D(2026, 11, 26))
    assert sources[1:] == [{payer.pk: MEMBERSHIPS}]
    assert run.transitions == {"payments→benefit_category": 1}
    assert held(payer) is True


def test_a_membership_that_ended_is_read_at_the_recheck_and_no_longer_held(sources):
    student = PersonFactory(born=D(2005, 5, 5))
    member(student, "students", D(2025, 9, 1), D(2026, 11, 30))
    services.status_recompute(on=D(2026, 11, 23), full=True)
    assert held(student) is True
    assert CoverageStatus.objects.get(person=student).recheck_on == D(2026, 12, 1)
    run = services.status_recompute(on=D(2026, 12, 1))  # the recheck: touched by nothing else
    assert sources == [{student.pk: 0}]
    assert run.transitions == {"benefit_category→uninsured": 1}
    assert held(student) is False
