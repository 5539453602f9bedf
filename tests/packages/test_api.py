"""POST /api/v1/eligibility/ and GET /api/v1/packages/care-types/."""

import pytest
from rest_framework.test import APIClient

from payers.models import Citizenship
from tests.factories import PersonFactory

URL = "/api/v1/eligibility/"


@pytest.fixture
def client(analyst):
    api = APIClient()
    api.force_authenticate(analyst)
    return api


@pytest.fixture
def insured_citizen(db, fake_coverage):
    person = PersonFactory(citizenship=Citizenship.CITIZEN)
    fake_coverage({person.iin: True})
    return person


def post(client, **body):
    return client.post(URL, body, format="json")


def test_hypertension_2026_for_an_insured_citizen_is_osms(client, icd10_subset, insured_citizen):
    response = post(client, iin=insured_citizen.iin, date="2026-02-01",
                    care_type="consultative_diagnostic", icd10="I10")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["covered"] is True
    assert body["funding_source"] == "OSMS"
    assert body["package_version"] == "2026"
    assert body["insured"] is True
    assert [step["applied"] for step in body["trace"]] == [False, False, True]
    assert {"order", "rule", "funding_source", "applied", "reason"} <= set(body["trace"][0])


def test_hypertension_2025_is_gobmp(client, icd10_subset, insured_citizen):
    body = post(client, iin=insured_citizen.iin, date="2025-02-01",
                care_type="consultative_diagnostic", icd10="I10").json()
    assert (body["funding_source"], body["package_version"]) == ("GOBMP", "2025")


def test_not_covered_answers_200_with_null_source(client, icd10_subset, fake_coverage):
    person = PersonFactory(citizenship=Citizenship.FOREIGN_TEMPORARY)
    fake_coverage({person.iin: False})
    response = post(client, iin=person.iin, date="2026-02-01", care_type="phc", icd10="Z00.0")
    assert response.status_code == 200
    assert response.json()["covered"] is False
    assert response.json()["funding_source"] is None


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"care_type": "spa"}, "care_type", "Unknown type of care"),
        ({"icd10": "hypertension"}, "icd10", "not an ICD-10 code"),
        ({"date": "2019-05-01"}, "date", "No published package version"),
        ({"date": "2026-13-01"}, "date", ""),
        ({"iin": "123"}, "iin", ""),
    ],
)
def test_bad_requests_get_400_with_the_reason(client, icd10_subset, insured_citizen, change,
                                              field, fragment):
    body = {"iin": insured_citizen.iin, "date": "2026-02-01",
            "care_type": "consultative_diagnostic", "icd10": "I10", **change}
    response = post(client, **body)
    assert response.status_code == 400
    errors = response.json()
    assert field in errors
    assert fragment in errors[field][0]


def test_eligibility_requires_authentication(db):
    assert APIClient().post(URL, {}, format="json").status_code in (401, 403)


def test_care_types_list_codes_and_names(client):
    response = client.get("/api/v1/packages/care-types/")
    assert response.status_code == 200
    rows = response.json()
    by_code = {row["code"]: row for row in rows}
    assert by_code["phc"]["name_kk"] == "Медициналық-санитариялық алғашқы көмек"
    assert by_code["high_tech"]["form"] == "inpatient"
    assert [row["sort_order"] for row in rows] == sorted(row["sort_order"] for row in rows)


from tests.packages.test_eligibility_table import CASES, LETTER, PEOPLE  # noqa: E402


@pytest.mark.parametrize(("care", "icd", "on", "column", "expected"), CASES)
def test_api_answers_the_eligibility_table(client, icd10_subset, fake_coverage, care, icd, on,
                                           column, expected):
    citizenship, insured = PEOPLE[column]
    person = PersonFactory(citizenship=citizenship)
    fake_coverage({person.iin: insured})
    response = post(client, iin=person.iin, date=on.isoformat(), care_type=care, icd10=icd)
    assert response.status_code == 200, response.content
    body = response.json()
    assert LETTER[body["funding_source"]] == expected
    assert body["covered"] is (expected != "-")
    assert body["insured"] is insured
    assert body["package_version"] == str(on.year)


def test_emergency_care_is_answered_without_a_diagnosis_and_planned_care_asks_for_it(
        client, icd10_subset, insured_citizen):
    """ICD-10 is optional where no rule depends on it (issue 18.4)."""
    emergency = post(client, iin=insured_citizen.iin, date="2026-02-01", care_type="ambulance")
    assert emergency.status_code == 200, emergency.content
    assert emergency.json()["covered"] is True and emergency.json()["icd10"] == ""
    planned = post(client, iin=insured_citizen.iin, date="2026-02-01",
                   care_type="consultative_diagnostic")
    assert planned.status_code == 400
    assert "icd10" in planned.json()
