"""Issue 17.1: the eligibility check answers exactly as the status API does.

The answer tells whether a person is insured, why, and their citizenship. Before the fix any
user who could read package versions got it for any ИИН in the country: a commission member
without the coverage permission, an operator of another region. Now: 403 without the
coverage view permission, 404 for a person of another region (as for an unknown ИИН), the
same in the admin tool; throttled.
"""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from packages.models import CareType
from payers.models import Citizenship
from tests.factories import PersonFactory, region

ELIGIBILITY = "/api/v1/eligibility/"
TOOL = "/admin/packages/packageversion/eligibility/"


@pytest.fixture
def almaty_person(db):
    cache.clear()
    return PersonFactory(region=region("750000000"), citizenship=Citizenship.CITIZEN)


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def _ask(user, iin):
    return _api(user).post(ELIGIBILITY, {"iin": iin, "date": "2026-02-01",
                                         "care_type": "consultative_diagnostic",
                                         "icd10": "I10"}, format="json")


@pytest.mark.parametrize(("who", "expected"), [
    ("hq_operator", 200), ("almaty_operator", 200), ("analyst", 200), ("auditor", 200),
    ("astana_operator", 404), ("almaty_commission_member", 403),
])
def test_eligibility_api_answers_as_the_status_api(request, icd10_subset, almaty_person, who,
                                                   expected):
    user = request.getfixturevalue(who)
    status = _api(user).get(f"/api/v1/coverage/{almaty_person.iin}/", {"on": "2026-02-01"})
    answer = _ask(user, almaty_person.iin)
    assert (answer.status_code, status.status_code) == (expected, expected), answer.content
    if expected == 200:
        assert answer.json()["residency"] == Citizenship.CITIZEN
    else:
        assert b"residency" not in answer.content and b"insured" not in answer.content


def test_unknown_iin_is_404_and_bad_iin_400(icd10_subset, almaty_person, hq_operator):
    from tests.factories import next_iin

    assert _ask(hq_operator, next_iin()).status_code == 404
    assert _ask(hq_operator, "123").status_code == 400


def test_eligibility_is_throttled(icd10_subset, almaty_person, almaty_operator, monkeypatch):
    from osms.core.drf import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES",
                        {**ScopedRateThrottle.THROTTLE_RATES, "eligibility": "2/min"})
    codes = [_ask(almaty_operator, almaty_person.iin).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def _tool_post(client, iin):
    care = CareType.objects.get(code="consultative_diagnostic")
    return client.post(TOOL, {"iin": iin, "date": "2026-04-01", "care_type": care.pk,
                              "icd10": "I10", "insured": "1"})


def test_admin_tool_hides_another_regions_person(client, icd10_subset, almaty_person,
                                                 astana_operator, almaty_operator):
    client.force_login(astana_operator)
    response = _tool_post(client, almaty_person.iin)
    assert response.status_code == 200
    assert response.context["result"] is None
    assert "No person with this IIN" in " ".join(response.context["form"].errors["iin"])
    client.force_login(almaty_operator)
    response = _tool_post(client, almaty_person.iin)
    assert response.context["result"].funding_source == "OSMS"


def test_admin_tool_refuses_a_user_without_the_coverage_permission(
        client, icd10_subset, almaty_person, almaty_commission_member):
    client.force_login(almaty_commission_member)
    assert client.get(TOOL).status_code == 403
    assert _tool_post(client, almaty_person.iin).status_code == 403
