"""The region permission matrix: a regional user never reaches another region's rows.

Each case is a region-owned model with a factory that makes an Almaty row. An
Astana operator must get 403/404 on every admin URL and API URL of that row,
and must not find it in lists, autocomplete or exports; the Almaty operator and
head office must reach it. Other apps add their cases to ``CASES``.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.test import APIClient

from osms.core.roles import REGIONAL_OPERATOR
from tests.factories import (
    ActivityFactory,
    EmploymentFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    region,
)

ALMATY, ASTANA = "750000000", "710000000"


@dataclass
class Case:
    name: str
    make: object  # callable(region) -> instance in that region
    api_prefix: str | None = None  # e.g. "/api/v1/persons/"
    api_lookup: str = "pk"
    search_term: object = None  # callable(obj) -> admin search term


CASES = [
    Case("person", lambda r: PersonFactory(region=r), "/api/v1/persons/", "iin",
         lambda o: o.iin),
    Case("organisation", lambda r: OrganisationFactory(region=r), "/api/v1/organisations/",
         "bin", lambda o: o.bin),
    Case("activity", lambda r: ActivityFactory(person=PersonFactory(region=r))),
    Case("employment", lambda r: EmploymentFactory(employee=PersonFactory(region=r))),
]



def _payment(r):
    from tests.factories import PaymentFactory

    return PaymentFactory(person=PersonFactory(region=r))


def _refund(r):
    from decimal import Decimal

    from payers.models import RefundApplication

    payment = _payment(r)
    return RefundApplication.objects.create(payment=payment, applicant_code=payment.payer_code,
                                            amount=Decimal("100.00"), reason="Excess",
                                            submitted_on=payment.paid_on)


def _arrear(r):
    import datetime
    from decimal import Decimal

    from payers.models import Arrear

    person = PersonFactory(region=r)
    return Arrear.objects.create(
        person=person, payer_code=person.iin, period=datetime.date(2025, 1, 1),
        kind="self_employed", expected=Decimal("5950"), paid=Decimal("0"),
        paid_late=Decimal("0"), debt=Decimal("5950"), due_on=datetime.date(2025, 2, 25),
        days_overdue=10, penalty=Decimal("12.34"), as_of=datetime.date(2025, 3, 7))


CASES += [
    Case("payment", _payment, search_term=lambda o: o.iin),
    Case("refundapplication", _refund),
    Case("arrear", _arrear, search_term=lambda o: o.payer_code),
]

from tests.reconciliation import matrix_cases as _recon  # noqa: E402

CASES += [
    Case("declaration", _recon.declaration, search_term=lambda o: o.iin),
    Case("discrepancy", _recon.discrepancy, "/api/v1/reconciliation/discrepancies/",
         search_term=lambda o: o.iin),
    Case("employernotice", _recon.notice),
    Case("collectionsummary", _recon.summary, "/api/v1/reconciliation/collections/"),
]

def admin_url(obj, view):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


def changelist_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


@pytest.fixture
def astana_user(db):
    user = UserFactory(username="astana_matrix", region=region(ASTANA))
    user.groups.add(Group.objects.get(name=REGIONAL_OPERATOR))
    # Give the operator every permission on the case models so only the region blocks them.
    return user


def _grant_all(user, obj):
    from django.contrib.auth.models import Permission

    opts = obj._meta
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label=opts.app_label,
                                   codename__endswith=f"_{opts.model_name}")
    )
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_other_region_is_invisible_in_admin(client, astana_user, case):
    obj = case.make(region(ALMATY))
    user = _grant_all(astana_user, obj)
    client.force_login(user)
    for view in ("change", "delete", "history"):
        response = client.get(admin_url(obj, view))
        assert response.status_code in (403, 404), (view, response.status_code)
    response = client.post(admin_url(obj, "delete"), {"post": "yes"})
    assert response.status_code in (403, 404)
    assert type(obj)._base_manager.filter(pk=obj.pk).exists()
    listing = client.get(changelist_url(obj))
    assert listing.status_code == 200
    assert obj.pk not in [o.pk for o in listing.context["cl"].result_list]
    if case.search_term:
        found = client.get(changelist_url(obj), {"q": case.search_term(obj)})
        assert list(found.context["cl"].result_list) == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_own_region_and_head_office_see_it(client, hq_operator, almaty_operator, case):
    obj = case.make(region(ALMATY))
    for user in (_grant_all(almaty_operator, obj), _grant_all(hq_operator, obj)):
        client.force_login(user)
        assert client.get(admin_url(obj, "change")).status_code == 200
        listing = client.get(changelist_url(obj))
        assert obj.pk in [o.pk for o in listing.context["cl"].result_list]


@pytest.mark.parametrize("case", [c for c in CASES if c.api_prefix], ids=lambda c: c.name)
def test_other_region_is_invisible_in_api(astana_user, case):
    obj = case.make(region(ALMATY))
    user = _grant_all(astana_user, obj)
    api = APIClient()
    api.force_authenticate(user)
    detail = f"{case.api_prefix}{getattr(obj, case.api_lookup)}/"
    assert api.get(detail).status_code == 404
    assert api.patch(detail, {"last_name": "X", "name": "X"}, format="json").status_code in (
        403, 404, 405)
    assert api.delete(detail).status_code in (403, 404, 405)
    listed = api.get(case.api_prefix).json()["results"]
    assert all(row.get(case.api_lookup) != getattr(obj, case.api_lookup) for row in listed)
    assert type(obj)._base_manager.filter(pk=obj.pk).exists()


def test_regional_user_cannot_create_a_person_in_another_region(astana_operator):
    api = APIClient()
    api.force_authenticate(astana_operator)
    response = api.post(
        "/api/v1/persons/",
        {"iin": "871008401427", "last_name": "Ахметова", "first_name": "Айгерим",
         "region": ALMATY},
        format="json",
    )
    assert response.status_code == 403
    from payers.models import Person

    assert not Person.objects.filter(iin="871008401427").exists()


def test_region_choices_in_admin_forms_are_limited(client, astana_operator):
    client.force_login(astana_operator)
    response = client.get(reverse("admin:payers_person_add"))
    choices = list(response.context["adminform"].form.fields["region"].queryset)
    assert [r.kato for r in choices] == [ASTANA]


def test_foreign_key_choices_hide_other_regions(client, astana_operator):
    almaty_employer = OrganisationFactory(region=region(ALMATY))
    astana_employer = OrganisationFactory(region=region(ASTANA))
    client.force_login(astana_operator)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "payers", "model_name": "employment", "field_name": "employer",
         "term": ""},
    )
    assert response.status_code == 200
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert astana_employer.pk in ids and almaty_employer.pk not in ids


def test_export_resource_contains_only_own_region(astana_operator):
    from payers.resources import PersonResource

    other = PersonFactory(region=region(ALMATY))
    own = PersonFactory(region=region(ASTANA))
    dataset = PersonResource(user=astana_operator).export()
    assert own.iin in dataset["iin"]
    assert other.iin not in dataset["iin"]
