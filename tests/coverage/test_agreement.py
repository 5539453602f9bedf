"""The set-based job and the rules module agree on a generated population."""

import datetime

import pytest

from coverage import services
from coverage.models import CoverageStatus, RecomputeRun
from coverage.selectors import person_coverage
from tests.coverage.population import generate

pytestmark = pytest.mark.django_db

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
