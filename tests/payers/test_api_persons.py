import pytest
from rest_framework.test import APIClient

from tests.factories import PersonFactory


@pytest.fixture
def api(hq_operator):
    client = APIClient()
    client.force_authenticate(hq_operator)
    return client


def test_create_person_derives_birth_date_and_sex(api):
    response = api.post(
        "/api/v1/persons/",
        {"iin": "871008401427", "last_name": "Ахметова", "first_name": "Айгерим",
         "middle_name": "Сериковна", "region": "750000000"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["birth_date"] == "1987-10-08"
    assert response.json()["sex"] == "F"


def test_invalid_iin_answers_400_with_reason_under_iin(api):
    response = api.post(
        "/api/v1/persons/",
        {"iin": "871008401428", "last_name": "A", "first_name": "B", "region": "750000000"},
        format="json",
    )
    assert response.status_code == 400
    assert "check digit" in " ".join(response.json()["iin"]).lower() or response.json()["iin"]


def test_lookup_by_iin(api):
    person = PersonFactory()
    response = api.get(f"/api/v1/persons/{person.iin}/")
    assert response.status_code == 200
    assert response.json()["region"] == "750000000"
