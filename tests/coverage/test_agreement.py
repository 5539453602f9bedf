"""The set-based job and the rules module agree on a generated population."""

import datetime

import pytest

from coverage import services
from coverage.models import CoverageStatus, RecomputeRun
from coverage.selectors import person_coverage
from osms.core.periods import add_years
from tests.coverage.population import generate

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]  # the recomputation runs on PostgreSQL

DATES = [
    datetime.date(2025, 6, 15),   # before the retention and the local budgets
    datetime.date(2026, 1, 1),    # the 2026 reform's first day
    datetime.date(2026, 11, 23),
    datetime.date(2027, 2, 28),
]


def _disagreements(persons, on):
    table = {s.person_id: s for s in CoverageStatus.objects.all()}
    wrong = []
    for person in persons:
        expected = person_coverage(person=person, on=on)
        row = table[person.id]
        got = (row.insured, row.basis or None, row.valid_until)
        want = (expected.insured, expected.basis, expected.valid_until)
        if got != want:
            wrong.append((person.iin, on, got, want, expected.decision.reason))
    return wrong


@pytest.mark.parametrize("on", DATES)
def test_full_run_agrees_with_rules(on):
    persons = generate(seed=on.toordinal() % 997, size=260, around=on)
    run = services.status_recompute(on=on, full=True, chunk_size=70)
    assert run.status == RecomputeRun.Status.DONE
    assert run.persons == len(persons)
    assert run.chunks_total >= 4
    assert _disagreements(persons, on) == []
    bases = set(CoverageStatus.objects.values_list("basis", flat=True))
    expected = {"", "benefit_category", "payments", "grace", "prepayment"}
    if on.year >= 2026:
        expected |= {"retention", "local_budget"}
    assert expected <= bases


def test_incremental_runs_over_a_year_agree_with_rules():
    start = datetime.date(2025, 11, 20)
    persons = generate(seed=11, size=200, around=start + datetime.timedelta(days=200))
    services.status_recompute(on=start, full=True, chunk_size=50)
    day = start
    for step in (1, 10, 30, 41, 45, 60, 90, 120):
        day = day + datetime.timedelta(days=step)
        run = services.status_recompute(on=day, chunk_size=50)
        assert _disagreements(persons, day) == [], (day, run.mode)


@pytest.mark.parametrize("on", [datetime.date(2026, 2, 28), datetime.date(2028, 2, 29),
                                datetime.date(2026, 3, 1), datetime.date(2026, 11, 23)])
def test_eighteenth_birthdays_around_the_date_agree_with_rules(on):
    from tests.factories import PersonFactory

    eighteen = add_years(on, -18)
    born = {eighteen + datetime.timedelta(days=d) for d in (-2, -1, 0, 1, 2)}
    born |= {datetime.date(2008, 2, 29), datetime.date(2010, 2, 28), datetime.date(2010, 3, 1)}
    persons = [PersonFactory(born=day) for day in sorted(born)]
    assert sorted(p.birth_date for p in persons) == sorted(born)
    services.status_recompute(on=on, full=True)
    assert _disagreements(persons, on) == []
    children = CoverageStatus.objects.filter(basis="benefit_category").count()
    assert children == sum(add_years(p.birth_date, 18) > on for p in persons) > 0
