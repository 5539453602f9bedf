"""One write path: the admin and the API go through the same services and answer the same.

A commission seat refuses another region's user account (17.7) from the members inline,
the member page and the service alike; an act's month rule and an adjustment's reason
rule answer with the same words in the admin and in the API; admin saves leave the
services' trail (history user and reason).
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from osms.core.roles import COMMISSION_MEMBER
from purchasing import services
from purchasing.models import (
    Campaign,
    CommissionMember,
    ConflictDeclaration,
    ExecutionAct,
    Provider,
)
from tests.admin_forms import change_form_data
from tests.factories import UserFactory
from tests.purchasing.scenario import vote_all

pytestmark = pytest.mark.django_db

OTHER_REGION = "This user account belongs to another region than the commission."


@pytest.fixture(autouse=True)
def english_pages(settings):
    """Pages and API answers in English, as the services' messages asserted here."""
    settings.LANGUAGE_CODE = "en"


def form_errors(response):
    """Every error of an admin form page: the main form's and its inlines'."""
    found = [e for errors in response.context["adminform"].form.errors.values() for e in errors]
    for inline in response.context["inline_admin_formsets"]:
        for form in inline.formset.forms:
            found += [e for errors in form.errors.values() for e in errors]
    return found


def test_member_of_another_region_is_refused_by_the_service(almaty_scenario, astana,
                                                           hq_operator):
    stranger = UserFactory(username="astana_cm", region=astana, roles=[COMMISSION_MEMBER])
    member = almaty_scenario.members[2]
    member.user = stranger
    with pytest.raises(ValidationError) as error:
        services.member_save(member=member, acting_user=hq_operator)
    assert error.value.message_dict == {"user": [OTHER_REGION]}
    assert CommissionMember.objects.get(pk=member.pk).user.region_id == almaty_scenario.region.pk


def test_members_inline_refuses_another_regions_user(client, almaty_scenario, astana,
                                                     hq_operator):
    s = almaty_scenario
    stranger = UserFactory(username="astana_cm", region=astana, roles=[COMMISSION_MEMBER])
    client.force_login(hq_operator)
    url = reverse("admin:purchasing_commission_change", args=[s.commission.pk])
    data = change_form_data(client.get(url))
    seat = next(key for key, value in data.items()
                if key.endswith("-user") and value == s.members[2].user_id)
    data[seat] = stranger.pk
    response = client.post(url, data)
    assert response.status_code == 200
    assert OTHER_REGION in form_errors(response)
    assert not CommissionMember.objects.filter(user=stranger).exists()
    own = UserFactory(username="almaty_new_cm", region=s.region, roles=[COMMISSION_MEMBER])
    data[seat] = own.pk
    response = client.post(url, data)
    assert response.status_code == 302
    seat = CommissionMember.objects.get(user=own)
    assert seat.history.first().history_user == hq_operator


def test_member_page_refuses_another_regions_user(client, almaty_scenario, astana,
                                                  hq_operator):
    s = almaty_scenario
    stranger = UserFactory(username="astana_cm", region=astana, roles=[COMMISSION_MEMBER])
    client.force_login(hq_operator)
    fields = {"commission": s.commission.pk, "full_name": "Новый член",
              "organisation_name": "НПО", "body": "ngo", "position": "", "role": "member",
              "active": "on"}
    add = reverse("admin:purchasing_commissionmember_add")
    response = client.post(add, {**fields, "user": stranger.pk})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"user": [OTHER_REGION]}
    own = UserFactory(username="almaty_new_cm", region=s.region, roles=[COMMISSION_MEMBER])
    assert client.post(add, {**fields, "user": own.pk}).status_code == 302
    assert CommissionMember.objects.get(user=own).history.first().history_user == hq_operator


@pytest.fixture
def signed_item(almaty_scenario):
    s = almaty_scenario
    vote_all(s)
    services.protocol_approve(protocol=s.protocol, acting_user=s.chair)
    item = services.contracts_from_protocol(protocol=s.protocol)[0]
    services.contract_sign(contract=item.contract, signed_on=datetime.date(2025, 12, 28))
    return item


def test_an_acts_month_rule_answers_the_same_in_the_admin_and_the_api(client, signed_item,
                                                                      hq_operator):
    wrong_year = "The month must be the first day of a month of 2026."
    client.force_login(hq_operator)
    response = client.post(reverse("admin:purchasing_executionact_add"), {
        "item": signed_item.pk, "period": "2027-01-01", "volume_delivered": 10,
        "deductions-TOTAL_FORMS": 0, "deductions-INITIAL_FORMS": 0})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"period": [wrong_year]}
    api = APIClient()
    api.force_authenticate(hq_operator)
    answer = api.post("/api/v1/purchasing/execution-acts/", {
        "item": signed_item.pk, "period": "2027-01-01", "volume_delivered": 10}, format="json")
    assert answer.status_code == 400 and answer.json() == {"period": [wrong_year]}
    assert not ExecutionAct.objects.exists()
    answer = api.post("/api/v1/purchasing/execution-acts/", {
        "item": signed_item.pk, "period": "2026-01-01", "volume_delivered": 10}, format="json")
    assert answer.status_code == 201
    act = ExecutionAct.objects.get()
    assert act.history.first().history_user == hq_operator


def test_an_adjustments_reason_rule_answers_the_same_in_the_review_and_the_api(
        client, almaty_scenario):
    s = almaty_scenario
    line = s.allocation.lines.get(rank=1)
    short = "Write the reason for the change (at least 10 characters)."
    client.force_login(s.chair)
    review = reverse("admin:purchasing_allocation_review", args=[s.allocation.pk])
    response = client.post(review, {"action": "adjust", "line": line.pk,
                                    f"line{line.pk}-volume": 4000,
                                    f"line{line.pk}-reason": "коротко"}, follow=True)
    assert short in [str(m) for m in response.context["messages"]][0]
    api = APIClient()
    api.force_authenticate(s.chair)
    answer = api.post(f"/api/v1/purchasing/allocation-lines/{line.pk}/adjust/",
                      {"volume": 4000, "reason": "коротко"}, format="json")
    assert answer.status_code == 400 and answer.json() == {"reason": [short]}
    line.refresh_from_db()
    assert line.volume == line.proposed_volume


def test_admin_saves_of_providers_campaigns_and_declarations_go_through_the_services(
        client, almaty_scenario, hq_operator):
    s = almaty_scenario
    client.force_login(hq_operator)
    provider = s.providers[0]
    url = reverse("admin:purchasing_provider_change", args=[provider.pk])
    data = change_form_data(client.get(url))
    data["staff_count"] = 55
    assert client.post(url, data).status_code == 302
    record = Provider.objects.get(pk=provider.pk).history.first()
    assert (record.staff_count, record.history_user) == (55, hq_operator)

    # An announced campaign keeps its plan: the service refuses what the form no longer shows.
    with pytest.raises(ValidationError) as error:
        campaign = Campaign.objects.get(pk=s.campaign.pk)
        campaign.planned_volume = 1
        services.campaign_save(campaign=campaign, acting_user=hq_operator)
    assert "planned_volume" in error.value.message_dict

    add = reverse("admin:purchasing_conflictdeclaration_add")
    fields = {"member": s.members[3].pk, "provider": provider.pk,
              "declared_on": "2025-12-01"}
    response = client.post(add, {**fields, "nature": "   "})
    assert response.status_code == 200
    assert "nature" in response.context["adminform"].form.errors
    assert client.post(add, {**fields, "nature": "брат — главный врач"}).status_code == 302
    declaration = ConflictDeclaration.objects.get()
    assert declaration.history.first().history_user == hq_operator


def test_a_campaign_added_in_the_admin_takes_its_price_from_the_service(client, almaty_scenario,
                                                                         hq_operator):
    s = almaty_scenario
    client.force_login(hq_operator)
    add = reverse("admin:purchasing_campaign_add")
    fields = {"year": 2027, "region": s.region.pk, "care_type": s.care_type.pk,
              "title": "", "unit": "cases", "planned_volume": 10, "unit_price": "",
              "budget": "", "applications_deadline": "2027-01-15",
              "commission": s.commission.pk,
              "applications-TOTAL_FORMS": 0, "applications-INITIAL_FORMS": 0}
    response = client.post(add, {**fields, "tariff": "case:A01:x"})
    assert response.status_code == 200
    assert "tariff" in response.context["adminform"].form.errors
    response = client.post(add, {**fields, "unit_price": "100.00", "tariff": ""})
    assert response.status_code == 302
    campaign = Campaign.objects.get(year=2027)
    assert (campaign.budget, campaign.tariff_source) == (Decimal("1000.00"),
                                                         "entered by the operator")
    assert campaign.history.first().history_user == hq_operator


def test_deletes_go_through_the_services_and_keep_what_is_binding(client, signed_item,
                                                                   hq_operator):
    act = services.act_record(item=signed_item, period=datetime.date(2026, 1, 1),
                              volume_delivered=10)
    services.act_approve(act=act)
    draft = services.act_record(item=signed_item, period=datetime.date(2026, 2, 1),
                                volume_delivered=5)
    client.force_login(hq_operator)
    for model, row in (("executionact", act), ("contract", signed_item.contract),
                       ("campaign", Campaign.objects.get(pk=signed_item.protocol.campaign_id))):
        url = reverse(f"admin:purchasing_{model}_delete", args=[row.pk])
        assert client.get(url).status_code == 403, model
        assert client.post(url, {"post": "yes"}).status_code == 403, model
        assert type(row).objects.filter(pk=row.pk).exists()
    with pytest.raises(ValidationError, match="Only a draft act"):
        services.act_delete(act=act, acting_user=hq_operator)
    changelist = reverse("admin:purchasing_executionact_changelist")
    both = {"action": "delete_selected", "post": "yes", "_selected_action": [act.pk, draft.pk]}
    assert client.post(changelist, both).status_code == 403  # the approved act is kept
    assert ExecutionAct.objects.count() == 2
    response = client.post(changelist, {**both, "_selected_action": [draft.pk]})
    assert response.status_code == 302
    assert list(ExecutionAct.objects.values_list("pk", flat=True)) == [act.pk]
    record = ExecutionAct.history.filter(id=draft.pk).first()
    assert (record.history_type, record.history_user) == ("-", hq_operator)


def test_a_draft_contract_is_deleted_with_its_items(client, almaty_scenario, hq_operator):
    s = almaty_scenario
    vote_all(s)
    services.protocol_approve(protocol=s.protocol, acting_user=s.chair)
    item = services.contracts_from_protocol(protocol=s.protocol)[0]
    client.force_login(hq_operator)
    url = reverse("admin:purchasing_contract_delete", args=[item.contract_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not type(item).objects.filter(pk=item.pk).exists()
