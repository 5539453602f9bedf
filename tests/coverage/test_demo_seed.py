"""The coverage demo seed (moved from the old region test file)."""

import datetime

import pytest

from coverage.models import CategoryMembership, CoverageStatus
from tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]  # the recomputation runs on PostgreSQL


def test_demo_seed_gives_memberships_and_statuses(db):
    import random

    from coverage import demo
    from payers.models import Person

    for born in (datetime.date(1950, 1, 1), datetime.date(2005, 3, 1), datetime.date(1990, 1, 1)):
        PersonFactory(born=born)
    demo.seed(rng=random.Random(1), persons=3, stdout=None)
    pensioner = Person.objects.get(birth_date=datetime.date(1950, 1, 1))
    assert CategoryMembership.objects.get(person=pensioner).category.code == "pensioners"
    assert CoverageStatus.objects.get(person=pensioner).basis == "benefit_category"
    assert CoverageStatus.objects.count() == 3
