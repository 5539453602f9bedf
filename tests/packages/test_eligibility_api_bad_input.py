"""Bad input to the eligibility API answers 4xx, never 500 (found by schemathesis)."""

import pytest
from rest_framework.test import APIClient


@pytest.mark.django_db
def test_no_iin_and_an_empty_diagnosis_answer_400(hq_operator):
    api = APIClient()
    api.force_authenticate(hq_operator)
    response = api.post("/api/v1/eligibility/", {"date": "2000-01-01",
                                                 "care_type": "air_ambulance", "icd10": ""},
                        format="multipart")
    assert response.status_code == 400, response.content
