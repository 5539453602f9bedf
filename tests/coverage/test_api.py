"""docs/domain.md §5's status examples and the edge cases, through GET /api/v1/coverage/<iin>/."""

import datetime

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from payers.models import Citizenship
from tests.coverage.helpers import member, pay, pay_months
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def api(hq_operator):
    cache.clear()
    client = APIClient()
    client.force_authenticate(hq_operator)
    return client


def status(api, person, on):
    response = api.get(f"/api/v1/coverage/{person.iin}/", {"on": on.isoformat()})
    assert response.status_code == 200, response.content
    return response.json()


def test_grace_example_last_paid_june_insured_to_30_september(api):
    person = PersonFactory()
    pay_months(person, D(2025, 1, 1), D(2025, 6, 1))
    body = status(api, person, D(2025, 9, 30))
    assert (body["insured"], body["basis"], body["valid_until"]) == (True, "grace", "2025-09-30")
    assert "июнь 2025" in body["explanation"]
    body = status(api, person, D(2025, 10, 1))
    assert (body["insured"], body["basis"], body["valid_until"]) == (False, None, None)
    # paying July to October restores it
    pay_months(person, D(2025, 7, 1), D(2025, 10, 1), paid_on=D(2025, 10, 15))
    body = status(api, person, D(2025, 10, 20))
    assert (body["insured"], body["basis"], body["valid_until"]) == (True, "payments", "2026-01-31")


def test_prepayment_example_march_uninsured_april_to_march_insured(api):
    person = PersonFactory()
    pay_months(person, D(2026, 4, 1), D(2027, 3, 1), paid_on=D(2026, 3, 10))
    march = status(api, person, D(2026, 3, 20))
    assert (march["insured"], march["basis"]) == (False, None)
    assert "с апреля 2026" in march["explanation"]
    april = status(api, person, D(2026, 4, 1))
    assert (april["insured"], april["basis"]) == (True, "prepayment")
    # prepaid through March 2027; the 3-month grace follows
    assert april["valid_until"] == "2027-06-30"
    assert status(api, person, D(2027, 3, 31))["insured"] is True


def test_prepayment_with_march_paid_too_is_insured_in_march(api):
    person = PersonFactory()
    pay(person, D(2026, 3, 1), paid_on=D(2026, 3, 10))
    pay_months(person, D(2026, 4, 1), D(2027, 3, 1), paid_on=D(2026, 3, 10))
    march = status(api, person, D(2026, 3, 20))
    assert (march["insured"], march["basis"]) == (True, "payments")


def test_retention_six_months_after_sixty_continuous_months_from_2026(api):
    person = PersonFactory()
    pay_months(person, D(2020, 1, 1), D(2024, 12, 1), kind="employer_deduction",
               amount="9000.00")  # 60 months
    body = status(api, person, D(2025, 5, 10))  # 2025: no retention yet → lost after grace
    assert body["insured"] is False
    pay_months(person, D(2025, 1, 1), D(2025, 12, 1), kind="employer_deduction")
    # paid through December 2025, 72 continuous months: grace to March, retention to June 2026
    may = status(api, person, D(2026, 5, 15))
    assert (may["insured"], may["basis"], may["valid_until"]) == (True, "retention", "2026-06-30")
    assert status(api, person, D(2026, 7, 1))["insured"] is False


def test_child_insured_until_the_day_before_the_18th_birthday(api):
    child = PersonFactory(born=D(2008, 12, 5))
    before = status(api, child, D(2026, 12, 4))
    assert (before["insured"], before["basis"], before["valid_until"]) == (
        True, "benefit_category", "2026-12-04")
    assert "18" in before["explanation"]
    after = status(api, child, D(2026, 12, 5))
    assert (after["insured"], after["basis"]) == (False, None)


def test_full_time_student_keeps_status_after_18(api):
    child = PersonFactory(born=D(2008, 12, 5))
    member(child, "students", D(2026, 9, 1), D(2030, 6, 30))
    body = status(api, child, D(2027, 1, 10))
    assert (body["insured"], body["basis"], body["valid_until"]) == (
        True, "benefit_category", "2030-06-30")


def test_welfare_level_d_is_local_budget_only_from_2026(api):
    person = PersonFactory()
    member(person, "welfare_d", D(2025, 6, 1))
    assert status(api, person, D(2025, 12, 31))["insured"] is False
    body = status(api, person, D(2026, 1, 1))
    assert (body["insured"], body["basis"], body["valid_until"]) == (True, "local_budget", None)


def test_temporary_resident_gets_no_category_but_payments_count(api):
    foreigner = PersonFactory(born=D(2012, 1, 1), citizenship=Citizenship.FOREIGN_TEMPORARY)
    assert status(api, foreigner, D(2026, 5, 1))["insured"] is False
    kandas = PersonFactory(citizenship=Citizenship.KANDAS)
    member(kandas, "kandas_non_working", D(2024, 1, 1))
    assert status(api, kandas, D(2026, 5, 1))["basis"] == "benefit_category"
    worker = PersonFactory(citizenship=Citizenship.FOREIGN_TEMPORARY)
    pay_months(worker, D(2026, 1, 1), D(2026, 4, 1), kind="employer_deduction")
    assert status(api, worker, D(2026, 5, 1))["basis"] == "payments"


def test_gap_longer_than_grace_in_the_window_is_debt_until_paid(api):
    person = PersonFactory()
    pay_months(person, D(2025, 1, 1), D(2025, 4, 1))
    pay(person, D(2025, 10, 1), paid_on=D(2025, 10, 20))  # May–Sep unpaid: 5 months
    body = status(api, person, D(2025, 10, 25))
    assert body["insured"] is False
    assert "долг с июня 2025" in body["explanation"]
    pay_months(person, D(2025, 5, 1), D(2025, 6, 1), paid_on=D(2025, 10, 22))
    assert status(api, person, D(2025, 10, 25))["basis"] == "grace"


def test_answer_has_no_names_nor_amounts_and_kazakh_explanation(api):
    person = PersonFactory(last_name="Ахметова", first_name="Айгерим")
    pay_months(person, D(2026, 1, 1), D(2026, 10, 1), amount="12345.00")
    body = status(api, person, D(2026, 11, 23))
    assert set(body) == {"iin", "on", "insured", "basis", "valid_until", "explanation"}
    text = str(body)
    assert "Ахметова" not in text and "Айгерим" not in text and "12345" not in text
    kk = api.get(f"/api/v1/coverage/{person.iin}/", {"on": "2026-11-23"},
                 HTTP_ACCEPT_LANGUAGE="kk").json()
    assert "қазан" in kk["explanation"]


def test_invalid_iin_is_400_unknown_is_404_bad_date_is_400(api):
    assert api.get("/api/v1/coverage/871008401428/").status_code == 400
    assert api.get("/api/v1/coverage/123/").status_code == 400
    assert api.get("/api/v1/coverage/871008401427/").status_code == 404
    person = PersonFactory()
    assert api.get(f"/api/v1/coverage/{person.iin}/", {"on": "2026-13-01"}).status_code == 400


def test_regional_operator_sees_only_own_region(astana_operator):
    person = PersonFactory()  # Almaty
    client = APIClient()
    client.force_authenticate(astana_operator)
    assert client.get(f"/api/v1/coverage/{person.iin}/").status_code == 404


def test_anonymous_and_roleless_users_are_refused(db):
    person = PersonFactory()
    assert APIClient().get(f"/api/v1/coverage/{person.iin}/").status_code in (401, 403)
    client = APIClient()
    client.force_authenticate(UserFactory())
    assert client.get(f"/api/v1/coverage/{person.iin}/").status_code == 403


def test_throttled_per_client(api, settings):
    from rest_framework.throttling import ScopedRateThrottle

    person = PersonFactory()
    rates = {**ScopedRateThrottle.THROTTLE_RATES, "partner": "3/min"}
    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = rates
    try:
        codes = [api.get(f"/api/v1/coverage/{person.iin}/").status_code for _ in range(4)]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original
    assert codes == [200, 200, 200, 429]
