"""Absurd dates and texts are refused with the field and the reason (17.9).

Campaign years and deadlines, licences, capacities, meetings, conflict declarations,
contract signatures and amendments, deductions, adjustments and votes: each refuses a
value outside ``osms.core.bounds`` with a field error, from the admin, the services and the
API alike; nothing is stored and nothing is cut.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from purchasing import services
from purchasing.models import (
    Campaign,
    ConflictDeclaration,
    ContractAmendment,
    Meeting,
    ProviderCapacity,
    ProviderLicence,
    QualityDeduction,
)
from tests.admin_forms import change_form_data
from tests.purchasing.scenario import vote_all

pytestmark = pytest.mark.django_db

ANCIENT = datetime.date(1, 1, 1)
FAR = datetime.date(9999, 12, 31)
NOVEL = "ы" * 5000


@pytest.fixture(autouse=True)
def english_pages(settings):
    settings.LANGUAGE_CODE = "en"


def refused(call, field):
    with pytest.raises(ValidationError) as error:
        call()
    assert field in error.value.message_dict, error.value.message_dict
    return error.value.message_dict[field][0]


def test_campaign_years_and_deadlines(client, almaty_scenario, hq_operator):
    s = almaty_scenario
    plan = {"region": s.region, "care_type": s.care_type, "planned_volume": 10,
            "unit_price": Decimal("100.00"), "commission": s.commission}
    for year in (1, 2016, 2099):
        reason = refused(lambda year=year: services.campaign_create(
            year=year, applications_deadline=datetime.date(2027, 1, 15), **plan), "year")
        assert f"Year {year} is not between 2017 and" in reason
    for deadline in (ANCIENT, FAR):
        refused(lambda deadline=deadline: services.campaign_create(
            year=2027, applications_deadline=deadline, **plan), "applications_deadline")
    client.force_login(hq_operator)
    response = client.post(reverse("admin:purchasing_campaign_add"), {
        "year": 2027, "region": s.region.pk, "care_type": s.care_type.pk, "unit": "cases",
        "planned_volume": 10, "unit_price": "100.00", "applications_deadline": "2027-01-15",
        "review_deadline": "2026-12-01", "commission": s.commission.pk,
        "applications-TOTAL_FORMS": 0, "applications-INITIAL_FORMS": 0})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"review_deadline": [
        "The review deadline is before the applications deadline."]}
    assert not Campaign.objects.filter(year=2027).exists()


def test_registry_dates_in_the_provider_page(client, almaty_scenario, hq_operator):
    provider = almaty_scenario.providers[0]
    client.force_login(hq_operator)
    url = reverse("admin:purchasing_provider_change", args=[provider.pk])
    data = change_form_data(client.get(url))
    future = (datetime.date.today() + datetime.timedelta(days=400)).isoformat()
    data.update({"licences-0-issued_on": future, "capacities-0-year": 2099,
                 "accredited_until": "9999-12-31"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "is in the future" in str(response.context["inline_admin_formsets"][0]
                                     .formset.errors[0]["issued_on"])
    assert "2099 is not between" in str(response.context["inline_admin_formsets"][1]
                                        .formset.errors[0]["year"])
    assert "more than 50 years ahead" in response.context["adminform"].form.errors[
        "accredited_until"][0]
    assert ProviderLicence.objects.get(provider=provider).issued_on == datetime.date(2019, 1, 1)
    assert not ProviderCapacity.objects.filter(year=2099).exists()


def test_commission_dates_and_texts(almaty_scenario, hq_operator):
    s = almaty_scenario
    refused(lambda: services.conflict_declare(
        member=s.members[2], provider=s.providers[0], nature="брат", declared_on=ANCIENT,
        acting_user=hq_operator), "declared_on")
    reason = refused(lambda: services.conflict_declare(
        member=s.members[2], provider=s.providers[0], nature=NOVEL,
        declared_on=datetime.date(2025, 12, 1), acting_user=hq_operator), "nature")
    assert reason == ("Nature of the interest is 5000 characters long; at most 4000 are "
                      "allowed.")
    assert not ConflictDeclaration.objects.exists()
    refused(lambda: services.meeting_open(campaign=s.campaign, held_on=FAR, present=s.members,
                                          acting_user=hq_operator), "held_on")
    assert Meeting.objects.count() == 1
    line = s.allocation.lines.get(rank=1)
    refused(lambda: services.line_adjust(line=line, new_volume=4000, reason=NOVEL,
                                         acting_user=s.chair), "reason")
    api = APIClient()
    api.force_authenticate(s.chair)
    answer = api.post(f"/api/v1/purchasing/protocols/{s.protocol.pk}/vote/",
                      {"choice": "for", "comment": NOVEL}, format="json")
    assert answer.status_code == 400 and "comment" in answer.json()


def test_contract_dates_and_texts(client, almaty_scenario, hq_operator):
    s = almaty_scenario
    vote_all(s)
    services.protocol_approve(protocol=s.protocol, acting_user=s.chair)
    item = services.contracts_from_protocol(protocol=s.protocol)[0]
    refused(lambda: services.contract_sign(contract=item.contract, signed_on=ANCIENT,
                                           acting_user=hq_operator), "signed_on")
    services.contract_sign(contract=item.contract, signed_on=datetime.date(2025, 12, 28))
    refused(lambda: services.contract_amend(item=item, new_volume=item.volume + 1,
                                            reason="Рост", signed_on=FAR,
                                            acting_user=hq_operator), "signed_on")
    refused(lambda: services.contract_amend(item=item, new_volume=item.volume + 1,
                                            reason=NOVEL, signed_on=datetime.date(2026, 2, 1),
                                            acting_user=hq_operator), "reason")
    assert not ContractAmendment.objects.exists()
    act = services.act_record(item=item, period=datetime.date(2026, 1, 1), volume_delivered=10)
    refused(lambda: services.deduction_add(act=act, indicator="Дефект", amount="1.00",
                                           reason=NOVEL, acting_user=hq_operator), "reason")
    assert not QualityDeduction.objects.exists()
    client.force_login(hq_operator)
    response = client.post(reverse("admin:purchasing_contractamendment_add"), {
        "item": item.pk, "new_volume": item.volume + 1, "reason": "Рост",
        "signed_on": "0001-01-01"})
    assert response.status_code == 200
    assert "is before 01.01.2017" in response.context["adminform"].form.errors["signed_on"][0]
