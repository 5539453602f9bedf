"""A provider's token sees and submits only its own cases; the statement of care and the
«I did not receive this care» endpoint."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from monitoring.models import Case, ProviderAccount
from osms.core.roles import HQ_OPERATOR, PROVIDER
from purchasing.models import Provider
from tests.factories import UserFactory
from tests.monitoring.month import control, loaded_month

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]


def _token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _provider_user(world, n, name):
    provider = Provider.objects.get(pk=world.providers[n][0])
    user = UserFactory(username=name, region=world.region, roles=[PROVIDER])
    ProviderAccount.objects.create(user=user, provider=provider)
    return user, provider


def test_provider_token_sees_and_submits_only_its_own_cases(tmp_path):
    world, _rows, _planted, _run = loaded_month(tmp_path, persons=100, seed=8)
    user, own = _provider_user(world, 0, "prov0")
    client = _token_client(user)
    listed = client.get("/api/v1/monitoring/cases/?page_size=1000").json()
    results = listed["results"] if isinstance(listed, dict) else listed
    assert results and {r["provider_bin"] for r in results} == {own.bin}
    other = Case.objects.exclude(provider=own).first()
    assert client.get(f"/api/v1/monitoring/cases/{other.pk}/").status_code == 404
    mine = Case.objects.filter(provider=own).first()
    assert client.get(f"/api/v1/monitoring/cases/{mine.pk}/").json()["iin"] == mine.iin

    row = {"provider_bin": own.bin, "case_number": "API-1", "care_type":
           "consultative_diagnostic", "form": "planned", "iin": world.insured[0][0],
           "icd10": "I10", "service_date": world.month.replace(day=3).isoformat(),
           "services": "MS01*1", "tariff": "3750", "amount_claimed": "3750"}
    foreign = {**row, "case_number": "API-2", "provider_bin": world.providers[1][1]}
    answer = client.post("/api/v1/monitoring/cases/", [row, foreign], format="json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["cases_new"], body["rows"]) == (1, 2)
    assert body["rejects"] == [{"row": 2, "field": "provider_bin",
                                "reason": "another provider's case"}]
    assert Case.objects.get(case_number="API-1").provider == own
    assert not Case.objects.filter(case_number="API-2").exists()
    again = client.post("/api/v1/monitoring/cases/", [row], format="json").json()
    assert (again["cases_new"], again["cases_repeated"]) == (0, 1)
    assert client.get(f"/api/v1/monitoring/statement/{row['iin']}/").status_code == 403


def test_statement_and_not_received(tmp_path):
    world, _rows, _planted, _run = loaded_month(tmp_path, persons=100, seed=12)
    control(world.month)
    operator = UserFactory(username="partner", region=None, roles=[HQ_OPERATOR])
    client = _token_client(operator)
    case = Case.objects.filter(decision__outcome="accepted").order_by("id").first()
    rows = client.get(f"/api/v1/monitoring/statement/{case.iin}/").json()
    expected = Case.objects.filter(iin=case.iin, decision__outcome__in=("accepted", "review")).count()
    assert len(rows) == expected and case.pk in {r["case"] for r in rows}
    entry = next(r for r in rows if r["case"] == case.pk)
    assert entry["diagnosis_group"] == case.icd10[:3]
    assert entry["amount"] == str(case.payable)
    answer = client.post(f"/api/v1/monitoring/statement/{case.iin}/not-received/",
                         {"case": case.pk, "text": "Не получал"}, format="json")
    assert answer.status_code == 201, answer.content
    case.refresh_from_db()
    assert case.outcome == "review" and case.review.reason == "patient"
    wrong = client.post("/api/v1/monitoring/statement/000000000000/not-received/",
                        {"case": case.pk}, format="json")
    assert wrong.status_code == 404
