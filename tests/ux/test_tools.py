"""The calculator and the eligibility check as an operator uses them (issue 18.4)."""

import datetime

import pytest
from django.urls import reverse

from packages.eligibility import EligibilityError, check_eligibility
from payers.admin.money import CalculatorForm
from tests.factories import PersonFactory


@pytest.mark.parametrize("typed", ["01.2026", "2026-01"])
def test_the_calculator_takes_the_month_as_printed_and_as_iso(typed, db):
    form = CalculatorForm({"payer_type": "self_payer", "period": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["period"] == datetime.date(2026, 1, 1)


def test_the_calculator_page_answers_for_a_printed_month(client, hq_operator):
    client.force_login(hq_operator)
    response = client.get(reverse("admin:payers_calculator"),
                          {"payer_type": "self_payer", "period": "01.2026"})
    assert response.status_code == 200
    assert response.context["result"] is not None


def test_emergency_care_needs_no_icd10_code(db):
    person = PersonFactory()
    result = check_eligibility(iin=person.iin, on=datetime.date(2026, 3, 1),
                               care_type="ambulance", icd10="")
    assert result.covered


def test_care_decided_by_the_diagnosis_asks_for_the_code(db):
    person = PersonFactory()
    with pytest.raises(EligibilityError) as caught:
        check_eligibility(iin=person.iin, on=datetime.date(2026, 3, 1),
                          care_type="consultative_diagnostic", icd10="")
    assert caught.value.field == "icd10"


def test_icd10_codes_are_found_by_code_and_by_name(client, hq_operator):
    client.force_login(hq_operator)
    url = reverse("admin:packages_icd10code_changelist")
    by_code = client.get(url, {"q": "I10"}).context["cl"].result_list
    assert "I10" in {c.code for c in by_code}
    by_name = client.get(url, {"q": "hypertension"}).context["cl"].result_list
    assert "I10" in {c.code for c in by_name}
