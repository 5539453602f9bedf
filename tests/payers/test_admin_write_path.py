"""The registry admin writes through ``payers.services``, exactly as the API does.

An admin edit of a person (and of its inline activities and employments) leaves the same
trail as ``person_update``: the row locked after the scope check, the registry's change
lock held (``osms.core.changes``), the history row with the acting user. Another region's
employer cannot be picked in the Employment inline (issue 17.7).
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from osms.core import changes
from osms.core import services as core_services
from payers import services
from payers.models import Activity, Employment, Organisation, Person
from tests.factories import EmploymentFactory, OrganisationFactory, PaymentFactory, PersonFactory
from tests.factories import region as region_of

pytestmark = pytest.mark.django_db
ALMATY, ASTANA = "750000000", "710000000"


@pytest.fixture
def trail(monkeypatch):
    """Records the service calls, row locks and advisory locks a write makes."""
    events = []
    original_lock = changes.xact_lock
    original_row_lock = core_services.lock_for_change
    original_update = services.person_update

    def xact_lock(name, **kwargs):
        events.append(("advisory lock", name, kwargs.get("shared", False)))
        return original_lock(name, **kwargs)

    def lock_for_change(model, pk, **kwargs):
        events.append(("row lock", model.__name__, kwargs["acting_user"].username))
        return original_row_lock(model, pk, **kwargs)

    def person_update(**kwargs):
        events.append(("person_update", kwargs["acting_user"].username))
        return original_update(**kwargs)

    monkeypatch.setattr(changes, "xact_lock", xact_lock)
    monkeypatch.setattr(core_services, "lock_for_change", lock_for_change)
    monkeypatch.setattr(services, "person_update", person_update)
    return events


def form_data(person, **changes_):
    data = {
        "last_name": person.last_name, "first_name": person.first_name, "middle_name": "",
        "citizenship": person.citizenship, "region": person.region_id, "death_date": "",
        "activities-TOTAL_FORMS": "0", "activities-INITIAL_FORMS": "0",
        "employments-TOTAL_FORMS": "0", "employments-INITIAL_FORMS": "0",
    }
    data.update(changes_)
    return data


def admin_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_admin_edit_leaves_the_trail_of_person_update(almaty_operator, trail):
    person = PersonFactory(last_name="Старая")
    url = reverse("admin:payers_person_change", args=[person.pk])
    client = admin_client(almaty_operator)
    trail.clear()
    response = client.post(url, form_data(person, last_name="Новая"))
    assert response.status_code == 302
    admin_trail = list(trail)
    trail.clear()

    other = PersonFactory(last_name="Старая")
    trail.clear()
    services.person_update(person=other, last_name="Новая", acting_user=almaty_operator)
    assert admin_trail == trail  # the same calls, locks and order
    assert ("person_update", "almaty_op") in admin_trail
    assert ("row lock", "Person", "almaty_op") in admin_trail
    assert ("advisory lock", "registry", True) in admin_trail
    for row in (person, other):
        history = row.history.first()
        assert (history.last_name, history.history_user, history.history_type) == (
            "Новая", almaty_operator, "~")


def test_admin_save_without_changes_writes_no_history(almaty_operator):
    person = PersonFactory()
    before = person.history.count()
    url = reverse("admin:payers_person_change", args=[person.pk])
    assert admin_client(almaty_operator).post(url, form_data(person)).status_code == 302
    assert person.history.count() == before


def test_admin_add_creates_through_the_service(almaty_operator):
    client = admin_client(almaty_operator)
    data = form_data(PersonFactory.build(), iin="900101300811", last_name="Омаров",
                     first_name="Арман", region=region_of(ALMATY).pk)
    assert client.post(reverse("admin:payers_person_add"), data).status_code == 302
    person = Person.objects.get(iin="900101300811")
    assert person.birth_date == datetime.date(1990, 1, 1)
    assert person.history.get().history_user == almaty_operator


def test_admin_cannot_add_a_person_in_another_region(almaty_operator):
    data = form_data(PersonFactory.build(), iin="900101300811", last_name="Омаров",
                     first_name="Арман", region=region_of(ASTANA).pk)
    response = admin_client(almaty_operator).post(reverse("admin:payers_person_add"), data)
    assert response.status_code == 200  # the region is not among the choices
    assert "region" in response.context["adminform"].form.errors
    assert not Person.objects.filter(iin="900101300811").exists()


def test_inline_rows_are_saved_changed_and_deleted_through_the_services(almaty_operator,
                                                                        hq_operator):
    person = PersonFactory()
    employer = OrganisationFactory()
    activity = Activity.objects.create(person=person, kind="individual_entrepreneur",
                                       tax_regime="simplified",
                                       started_on=datetime.date(2021, 1, 1))
    url = reverse("admin:payers_person_change", args=[person.pk])
    data = form_data(person, **{
        "activities-TOTAL_FORMS": "1", "activities-INITIAL_FORMS": "1",
        "activities-0-id": activity.pk, "activities-0-person": person.pk,
        "activities-0-kind": "individual_entrepreneur", "activities-0-tax_regime": "patent",
        "activities-0-started_on": "2021-01-01", "activities-0-ended_on": "",
        "employments-TOTAL_FORMS": "1", "employments-INITIAL_FORMS": "0",
        "employments-0-employee": person.pk, "employments-0-employer": employer.pk,
        "employments-0-started_on": "2024-03-01", "employments-0-ended_on": "",
    })
    response = admin_client(almaty_operator).post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    activity.refresh_from_db()
    assert activity.tax_regime == "patent"
    assert activity.history.first().history_user == almaty_operator
    employment = Employment.objects.get(employee=person)
    assert (employment.employer, employment.history.get().history_user) == (
        employer, almaty_operator)

    data.update({"employments-INITIAL_FORMS": "1", "employments-0-id": employment.pk,
                 "employments-0-DELETE": "on"})
    assert admin_client(almaty_operator).post(url, data).status_code == 302
    assert Employment.objects.filter(pk=employment.pk).exists()  # no delete permission
    assert admin_client(hq_operator).post(url, data).status_code == 302
    assert not Employment.objects.filter(pk=employment.pk).exists()
    deleted = Employment.history.filter(id=employment.pk, history_type="-").get()
    assert deleted.history_user == hq_operator


def test_employment_inline_refuses_and_hides_another_regions_employer(almaty_operator):
    person = PersonFactory()
    foreign = OrganisationFactory(region=region_of(ASTANA), name="ТОО «Чужая»")
    url = reverse("admin:payers_person_change", args=[person.pk])
    data = form_data(person, **{
        "employments-TOTAL_FORMS": "1", "employments-INITIAL_FORMS": "0",
        "employments-0-employee": person.pk, "employments-0-employer": foreign.pk,
        "employments-0-started_on": "2024-03-01", "employments-0-ended_on": "",
    })
    response = admin_client(almaty_operator).post(url, data)
    assert response.status_code == 200
    assert not Employment.objects.exists()
    body = response.content.decode()
    assert "ТОО «Чужая»" not in body and foreign.bin not in body
    [formset] = [f for f in response.context["inline_admin_formsets"]
                 if f.formset.prefix == "employments"]
    assert "employer" in formset.formset.forms[0].errors


def test_inline_shows_only_rows_of_the_users_region(almaty_operator):
    """An Almaty person employed by an Astana employer: the Astana operator cannot see the
    person at all; the Almaty operator sees the row but may not pick the employer again."""
    person = PersonFactory()
    EmploymentFactory(employee=person, employer=OrganisationFactory(region=region_of(ASTANA)))
    page = admin_client(almaty_operator).get(reverse("admin:payers_person_change",
                                                     args=[person.pk]))
    [formset] = [f for f in page.context["inline_admin_formsets"]
                 if f.formset.prefix == "employments"]
    field = formset.formset.forms[0].fields["employer"]
    assert not field.queryset.filter(region__kato=ASTANA).exists()


def test_admin_delete_goes_through_the_service_and_refuses_a_paid_for_person(hq_operator):
    person = PersonFactory()
    client = admin_client(hq_operator)
    url = reverse("admin:payers_person_delete", args=[person.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    assert Person.history.filter(id=person.pk, history_type="-").get().history_user == hq_operator
    paid = PaymentFactory().person
    page = client.post(reverse("admin:payers_person_delete", args=[paid.pk]), {"post": "yes"})
    assert page.status_code in (200, 403)
    assert Person.objects.filter(pk=paid.pk).exists()


def test_organisation_admin_edit_goes_through_organisation_update(almaty_operator):
    org = OrganisationFactory(name="Старое")
    url = reverse("admin:payers_organisation_change", args=[org.pk])
    response = admin_client(almaty_operator).post(url, {
        "bin": org.bin, "name": "Новое", "kind": org.kind, "region": org.region_id})
    assert response.status_code == 302
    history = Organisation.objects.get(pk=org.pk).history.first()
    assert (history.name, history.history_user) == ("Новое", almaty_operator)


def test_api_delete_of_a_paid_for_person_answers_409_with_a_message(hq_operator):
    api = APIClient()
    api.force_authenticate(hq_operator)
    paid = PaymentFactory().person
    response = api.delete(f"/api/v1/persons/{paid.iin}/")
    assert response.status_code == 409
    assert "payments" in response.json()["detail"]
    assert Person.objects.filter(pk=paid.pk).exists()
    unpaid = PersonFactory()
    assert api.delete(f"/api/v1/persons/{unpaid.iin}/").status_code == 204
    assert Person.history.filter(id=unpaid.pk, history_type="-").get().history_user == hq_operator


def test_api_update_goes_through_the_service(hq_operator, trail):
    person = PersonFactory()
    api = APIClient()
    api.force_authenticate(hq_operator)
    response = api.patch(f"/api/v1/persons/{person.iin}/", {"last_name": "Новая"},
                         format="json")
    assert response.status_code == 200
    assert ("person_update", "hq") in trail and ("advisory lock", "registry", True) in trail


def test_person_page_sections_get_the_request_and_nothing_is_kept_on_the_admin(
        hq_operator, monkeypatch):
    from django.contrib import admin

    from payers.admin import registry

    seen = []

    def panel(request, person):
        seen.append((request.user, person.pk))
        return "<p data-test-panel>section</p>"

    monkeypatch.setattr(registry, "PERSON_PANELS", [panel])
    person = PersonFactory()
    client = admin_client(hq_operator)
    url = reverse("admin:payers_person_change", args=[person.pk])
    assert "data-test-panel" in client.get(url).content.decode()
    assert seen == [(hq_operator, person.pk)]
    assert "_current_request" not in vars(admin.site._registry[Person])
    assert client.post(url, form_data(person, last_name="Новая")).status_code == 302
    assert len(seen) == 1  # a save that redirects renders no sections
