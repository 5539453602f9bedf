"""Coverage's region-owned rows are invisible to another region's operator."""

import datetime

import pytest
from django.urls import reverse

from coverage import services
from coverage.models import CategoryMembership, CoverageHistory, CoverageStatus
from tests.coverage.helpers import member
from tests.factories import PersonFactory, region

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]  # the recomputation runs on PostgreSQL


@pytest.fixture
def almaty_rows(db):
    person = PersonFactory(region=region("750000000"))
    member(person, "disabled", datetime.date(2026, 1, 1))
    services.status_recompute(on=datetime.date(2026, 11, 23), full=True)
    return [CategoryMembership.objects.get(), CoverageStatus.objects.get(),
            CoverageHistory.objects.get()]


def _url(obj, view):
    return reverse(f"admin:coverage_{obj._meta.model_name}_{view}",
                   args=[obj.pk] if view == "change" else [])


@pytest.mark.parametrize("index", [0, 1, 2], ids=["membership", "status", "history"])
def test_other_region_cannot_reach_and_own_region_can(client, astana_operator, almaty_operator,
                                                       almaty_rows, index):
    obj = almaty_rows[index]
    client.force_login(astana_operator)
    assert client.get(_url(obj, "change")).status_code in (403, 404)
    listing = client.get(_url(obj, "changelist"))
    assert listing.status_code == 200
    assert obj.pk not in [o.pk for o in listing.context["cl"].result_list]
    client.force_login(almaty_operator)
    assert client.get(_url(obj, "change")).status_code == 200
    listing = client.get(_url(obj, "changelist"))
    assert obj.pk in [o.pk for o in listing.context["cl"].result_list]


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
