"""Registry services, admin edits and API filters."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from payers import services
from payers.models import Person
from tests.factories import OrganisationFactory, PersonFactory, region


def test_person_create_derives_birth_date_and_sex_and_records_the_user(hq_operator):
    person = services.person_create(
        iin="900101300811", last_name="Омаров", first_name="Арман",
        region=region("710000000"), acting_user=hq_operator,
    )
    assert person.birth_date == datetime.date(1990, 1, 1)
    assert person.sex == "M"
    assert person.history.get().history_user == hq_operator


def test_death_before_birth_is_refused(hq_operator):
    with pytest.raises(ValidationError) as error:
        services.person_create(
            iin="871008401427", last_name="A", first_name="B", region=region("750000000"),
            death_date=datetime.date(1980, 1, 1), acting_user=hq_operator,
        )
    assert "death_date" in error.value.message_dict


def test_person_update_is_audited_with_old_and_new_values(hq_operator):
    person = PersonFactory(last_name="Старая")
    services.person_update(person=person, last_name="Новая", acting_user=hq_operator,
                           reason="Смена фамилии")
    latest = person.history.first()
    diff = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in diff.changes] == [("last_name", "Старая", "Новая")]
    assert latest.history_user == hq_operator
    assert latest.history_change_reason == "Смена фамилии"


def test_person_update_with_no_change_writes_no_history(hq_operator):
    person = PersonFactory()
    before = person.history.count()
    services.person_update(person=person, last_name=person.last_name, acting_user=hq_operator)
    assert person.history.count() == before


def test_admin_edit_leaves_history_with_the_operator(client, almaty_operator):
    person = PersonFactory(region=region("750000000"))
    client.force_login(almaty_operator)
    url = reverse("admin:payers_person_change", args=[person.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "last_name": "Исправленная", "first_name": person.first_name, "middle_name": "",
        "citizenship": "citizen", "region": person.region_id, "death_date": "",
        "activities-TOTAL_FORMS": "0", "activities-INITIAL_FORMS": "0",
        "employments-TOTAL_FORMS": "0", "employments-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.last_name == "Исправленная"
    assert person.history.first().history_user == almaty_operator
    history = client.get(reverse("admin:payers_person_history", args=[person.pk]))
    assert "Исправленная" in history.content.decode()


def test_api_filters_and_cursor_pagination(hq_operator):
    PersonFactory.create_batch(3, region=region("750000000"))
    PersonFactory.create_batch(2, region=region("710000000"))
    api = APIClient()
    api.force_authenticate(hq_operator)
    page = api.get("/api/v1/persons/", {"region": "710000000", "page_size": 1}).json()
    assert len(page["results"]) == 1 and page["next"]
    second = api.get(page["next"]).json()
    assert len(second["results"]) == 1 and second["results"][0]["region"] == "710000000"
    assert api.get("/api/v1/persons/", {"region": "750000000"}).json()["results"].__len__() == 3


def test_unauthenticated_and_roleless_users_get_nothing(db):
    from tests.factories import UserFactory

    person = PersonFactory()
    api = APIClient()
    assert api.get(f"/api/v1/persons/{person.iin}/").status_code in (401, 403)
    api.force_authenticate(UserFactory())
    assert api.get(f"/api/v1/persons/{person.iin}/").status_code in (403, 404)


def test_token_auth(hq_operator):
    api = APIClient()
    response = api.post("/api/v1/auth/token/", {"username": "hq", "password": "pass-Word-123"})
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get("/api/v1/persons/").status_code == 200


def test_organisation_with_bad_bin_answers_400(hq_operator):
    api = APIClient()
    api.force_authenticate(hq_operator)
    response = api.post("/api/v1/organisations/",
                        {"bin": "150340000002", "name": "ТОО", "region": "750000000"},
                        format="json")
    assert response.status_code == 400
    assert "bin" in response.json()


def test_organisation_lookup_by_bin(hq_operator):
    org = OrganisationFactory()
    api = APIClient()
    api.force_authenticate(hq_operator)
    assert api.get(f"/api/v1/organisations/{org.bin}/").json()["name"] == org.name


def test_schema_and_docs_answer(client, hq_operator):
    client.force_login(hq_operator)
    assert client.get("/api/v1/schema/").status_code == 200
    assert client.get("/api/v1/docs/").status_code == 200


def test_dashboard_index_renders_registry_panel(client, hq_operator):
    PersonFactory()
    client.force_login(hq_operator)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert 'data-panel="registry"' in response.content.decode()


def test_person_search_by_exact_iin_and_name_prefix(client, hq_operator):
    target = PersonFactory(last_name="Жумабаева")
    PersonFactory(last_name="Омарова")
    client.force_login(hq_operator)
    url = reverse("admin:payers_person_changelist")
    by_iin = client.get(url, {"q": target.iin})  # one match: the record opens (issue 18.3)
    assert by_iin["Location"] == reverse("admin:payers_person_change", args=[target.pk])
    by_name = client.get(url, {"q": "жумаб"}).context["cl"].result_list
    assert [p.pk for p in by_name] == [target.pk]
    assert Person.objects.count() == 2


def test_iin_prefix_search_is_a_key_range(client, hq_operator):
    inside = PersonFactory(born=datetime.date(1987, 10, 8))
    outside = PersonFactory(born=datetime.date(1987, 11, 8))
    client.force_login(hq_operator)
    found = client.get(reverse("admin:payers_person_changelist"), {"q": "871008"})
    assert [p.pk for p in found.context["cl"].result_list] == [inside.pk]
    assert outside.iin.startswith("871108")
