"""The status API answers from the stored status, as the live decision would (issue 17)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from coverage import services
from coverage.models import StatusPolicy
from coverage.selectors import person_coverage
from coverage.stored import api_status
from tests.coverage.helpers import member, pay, pay_months
from tests.coverage.population import generate
from tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]

D = datetime.date
RUN_ON = D(2026, 11, 23)
# the run's date, around it, across the 2026 reform and a year later
DATES = [RUN_ON, D(2026, 11, 30), D(2026, 12, 1), D(2025, 12, 31), D(2026, 1, 1),
         D(2027, 2, 28), D(2027, 11, 23)]


def status_of(person, on):
    _pk, result, used_row = api_status(iin=person.iin, on=on)
    return result, used_row


def _answer(result):
    return (result.insured, result.basis, result.valid_until, result.explanation_ru,
            result.explanation_kk)


def test_stored_answers_equal_live_answers_on_a_generated_population():
    persons = generate(seed=17, size=240, around=RUN_ON)
    services.status_recompute(on=RUN_ON, full=True, chunk_size=80)
    wrong, from_rows = [], 0
    for person in persons:
        for on in DATES:
            stored, used_row = status_of(person, on)
            from_rows += used_row
            live = person_coverage(person=person, on=on)
            if _answer(stored) != _answer(live):
                wrong.append((person.iin, on, _answer(stored), _answer(live)))
    assert wrong == []
    assert from_rows == len(persons) * len(DATES)  # every answer came from a stored row


def test_a_payment_after_the_run_is_counted_at_once():
    person = PersonFactory()
    pay_months(person, D(2026, 1, 1), D(2026, 6, 1))
    services.status_recompute(on=RUN_ON, full=True)
    before, used_row = status_of(person, RUN_ON)
    assert (before.insured, used_row) == (False, True)
    pay_months(person, D(2026, 7, 1), D(2026, 10, 1), paid_on=D(2026, 11, 20))
    after, used_row = status_of(person, RUN_ON)
    assert (after.insured, after.basis, after.valid_until, used_row) == (
        True, "payments", D(2027, 1, 31), False)
    services.status_recompute(on=RUN_ON)
    again, used_row = status_of(person, RUN_ON)
    assert (_answer(again), used_row) == (_answer(after), True)


def test_a_membership_entered_after_the_run_is_counted_at_once():
    person = PersonFactory(born=D(1950, 3, 3))
    services.status_recompute(on=RUN_ON, full=True)
    member(person, "pensioners", D(2026, 11, 1))
    result, used_row = status_of(person, RUN_ON)
    assert (result.insured, result.basis, used_row) == (True, "benefit_category", True)


def test_a_person_registered_after_the_run_is_decided_live():
    services.status_recompute(on=RUN_ON, full=True)
    person = PersonFactory()
    pay(person, D(2026, 11, 1), paid_on=D(2026, 11, 5))
    result, used_row = status_of(person, RUN_ON)
    assert (result.insured, result.basis, used_row) == (True, "payments", False)


def test_an_edited_policy_is_read_again(hq_operator):
    person = PersonFactory()
    pay_months(person, D(2026, 1, 1), D(2026, 7, 1))
    services.status_recompute(on=RUN_ON, full=True)
    result, _ = status_of(person, RUN_ON)
    assert result.insured is False  # four months unpaid, grace is three
    policy = StatusPolicy.objects.filter(valid_from__lte=RUN_ON).order_by("-valid_from").first()
    policy.grace_months = 4
    policy.save()
    result, _ = status_of(person, RUN_ON)
    assert (result.insured, result.basis) == (True, "grace")


def test_the_status_api_is_one_statement_once_warm(almaty_operator):
    person = PersonFactory()
    pay_months(person, D(2026, 1, 1), D(2026, 11, 1))
    member(person, "students", D(2026, 9, 1), D(2027, 6, 30))
    services.status_recompute(on=RUN_ON, full=True)
    client = APIClient()
    token = Token.objects.create(user=almaty_operator)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    url = f"/api/v1/coverage/{person.iin}/"
    assert client.get(url, {"on": RUN_ON.isoformat()}).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"on": RUN_ON.isoformat()})
    assert response.status_code == 200
    body = response.json()
    assert (body["insured"], body["basis"], body["valid_until"]) == (
        True, "benefit_category", "2027-06-30")
    with translation.override("ru"):
        live = person_coverage(person=person, on=RUN_ON)
    assert body["explanation"] in (live.explanation_ru, live.explanation_kk)
    # the token, the user's permissions and the rulebook come from memos: one statement
    # reads the person with the stored row and memberships and writes the access log row
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == 1, statements
    assert "INSERT INTO" in statements[0] and "coverage_coveragestatus" in statements[0]
