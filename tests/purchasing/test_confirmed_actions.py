"""Every state-changing purchasing admin action asks first and acts only on a confirmed POST.

For each action: choosing it on the list answers with the confirmation page and changes
nothing; the auditor's and the analyst's confirmed POSTs change nothing; the operator's
confirmed POST acts. The protocol approval (its own URL) answers GET with the question,
403 to roles without ``approve_protocol``, and approves on the chair's confirmed POST.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from purchasing import services
from purchasing.models import Commission, Contract, ExecutionAct, InclusionCheck, Protocol
from tests.purchasing.scenario import vote_all

pytestmark = pytest.mark.django_db

CONFIRM_TEMPLATE = "admin/osms/confirm_action.html"


def changelist(model):
    return reverse(f"admin:purchasing_{model}_changelist")


def asks(response):
    return response.status_code == 200 and CONFIRM_TEMPLATE in [t.name for t in
                                                                response.templates]


def draft_campaign(s):
    return services.campaign_create(
        year=2027, region=s.region, care_type=s.care_type, planned_volume=100,
        unit_price=Decimal("10.00"), applications_deadline=datetime.date(2027, 1, 15),
        commission=s.commission)


def approved(s):
    vote_all(s)
    services.protocol_approve(protocol=s.protocol, acting_user=s.chair)


def contracts(s):
    approved(s)
    return [item.contract for item in services.contracts_from_protocol(protocol=s.protocol)]


def draft_act(s):
    contract = contracts(s)[0]
    services.contract_sign(contract=contract, signed_on=datetime.date(2025, 12, 28))
    return services.act_record(item=contract.items.get(), period=datetime.date(2026, 1, 1),
                               volume_delivered=10)


def approved_act(s):
    return services.act_approve(act=draft_act(s))


def case_check_inclusion(s):
    provider = s.providers[0]
    return [provider.pk], lambda: InclusionCheck.objects.filter(provider=provider).count()


def case_announce(s):
    campaign = draft_campaign(s)
    return [campaign.pk], lambda: type(campaign).objects.get(pk=campaign.pk).status


def case_close_applications(s):
    campaign = draft_campaign(s)
    services.campaign_announce(campaign=campaign, announced_on=timezone.localdate())
    return [campaign.pk], lambda: type(campaign).objects.get(pk=campaign.pk).status


def case_run_allocation(s):
    return [s.campaign.pk], lambda: s.campaign.allocations.count()


def case_make_contracts(s):
    approved(s)
    return [s.campaign.pk], lambda: Contract.objects.count()


def case_form_commission(s):
    return [s.commission.pk], lambda: Commission.objects.get(pk=s.commission.pk).formed_on


def case_sign(s):
    ids = [c.pk for c in contracts(s)]
    return ids, lambda: sorted(Contract.objects.filter(pk__in=ids)
                               .values_list("status", flat=True))


def case_approve(s):
    act = draft_act(s)
    return [act.pk], lambda: ExecutionAct.objects.get(pk=act.pk).status


def case_mark_paid(s):
    act = approved_act(s)
    return [act.pk], lambda: ExecutionAct.objects.get(pk=act.pk).status


CASES = [
    ("provider", "check_inclusion", case_check_inclusion),
    ("campaign", "announce", case_announce),
    ("campaign", "close_applications", case_close_applications),
    ("campaign", "run_allocation", case_run_allocation),
    ("campaign", "make_contracts", case_make_contracts),
    ("commission", "form_commission", case_form_commission),
    ("contract", "sign", case_sign),
    ("executionact", "approve", case_approve),
    ("executionact", "mark_paid", case_mark_paid),
]


@pytest.mark.parametrize(("model", "name", "case"), CASES, ids=[c[1] for c in CASES])
def test_action_asks_first_and_only_the_operator_acts(client, almaty_scenario, hq_operator,
                                                      auditor, analyst, model, name, case):
    ids, state = case(almaty_scenario)
    before = state()
    chosen = {"action": name, "_selected_action": ids}
    for reader in (auditor, analyst):
        client.force_login(reader)
        response = client.post(changelist(model), {**chosen, "confirmed": "yes"})
        assert not asks(response)
        assert state() == before, reader.username
    client.force_login(hq_operator)
    assert asks(client.post(changelist(model), {**chosen, "index": 0}))
    assert state() == before
    response = client.post(changelist(model), {**chosen, "confirmed": "yes"}, follow=True)
    assert response.status_code == 200
    assert state() != before


def test_protocol_approval_asks_and_needs_the_permission(client, almaty_scenario, auditor,
                                                         analyst, hq_operator):
    s = almaty_scenario
    vote_all(s)
    url = reverse("admin:purchasing_allocation_approve", args=[s.allocation.pk])
    for reader in (auditor, analyst):
        client.force_login(reader)
        assert client.get(url).status_code == 403
        assert client.post(url, {"confirmed": "yes"}).status_code == 403
    client.force_login(s.chair)
    page = client.get(url)
    assert asks(page) and s.protocol.number in page.content.decode()
    assert client.post(url, {}).status_code == 200  # a POST without the answer only asks
    assert Protocol.objects.get(pk=s.protocol.pk).status == Protocol.Status.DRAFT
    response = client.post(url, {"confirmed": "yes"})
    assert response.status_code == 302
    protocol = Protocol.objects.get(pk=s.protocol.pk)
    assert (protocol.status, protocol.approved_by) == (Protocol.Status.APPROVED, s.chair)
