"""A campaign goes from announcement to signed contracts through the admin alone."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from purchasing import services
from purchasing.models import Application, Campaign, Contract, Protocol, ProviderCapacity
from tests.purchasing.scenario import build

pytestmark = pytest.mark.django_db


def action(client, model, name, ids):
    """Choose the action on the list, then confirm it on the page it answers with."""
    url = reverse(f"admin:purchasing_{model}_changelist")
    chosen = {"action": name, "_selected_action": ids}
    asked = client.post(url, {**chosen, "index": 0})
    assert asked.status_code == 200 and "admin/osms/confirm_action.html" in [
        t.name for t in asked.templates]
    return client.post(url, {**chosen, "confirmed": "yes"}, follow=True)


def test_announcement_to_signed_contracts_in_the_admin(client, almaty, hq_operator):
    scenario = build(almaty, prefix="e2e", allocate=False, open_meeting=False)
    year = timezone.localdate().year + 1
    for provider, score in zip(scenario.providers, (80, 60, 40), strict=True):
        ProviderCapacity.objects.create(provider=provider, care_type=scenario.care_type,
                                        year=year, annual_volume=3000)
        services.provider_rate(provider=provider, year=year, on=timezone.localdate(),
                               values=dict.fromkeys(("quality", "throughput", "staffing",
                                                     "equipment", "complaints"), score))
    client.force_login(hq_operator)
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(reverse("admin:purchasing_campaign_add"), {
        "year": year, "region": almaty.pk, "care_type": scenario.care_type.pk,
        "title": "ПМСП Алматы", "unit": "attached persons", "planned_volume": 6000,
        "unit_price": "12500.00", "budget": "", "applications_deadline": deadline,
        "commission": scenario.commission.pk,
        "applications-TOTAL_FORMS": 0, "applications-INITIAL_FORMS": 0,
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign = Campaign.objects.get(year=year)
    assert str(campaign.budget) == "75000000.00"
    action(client, "campaign", "announce", [campaign.pk])
    for provider, requested in zip(scenario.providers, (3000, 2500, 4000), strict=True):
        response = client.post(reverse("admin:purchasing_application_add"), {
            "campaign": campaign.pk, "provider": provider.pk, "requested_volume": requested,
            "coexecution_volume": 0, "coexecutors": ""})
        assert response.status_code == 302
    assert list(Application.objects.filter(campaign=campaign).order_by("provider__name")
                .values_list("status", flat=True)) == ["accepted", "accepted", "rejected"]
    action(client, "campaign", "close_applications", [campaign.pk])
    action(client, "campaign", "run_allocation", [campaign.pk])
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.ALLOCATED
    run = campaign.allocations.get()
    # 6 000 by scores 80 : 60 → 3 428.6 : 2 571.4, ceilings 3 000 / 2 500: both at ceiling.
    assert sorted(run.lines.values_list("volume", flat=True)) == [0, 2500, 3000]

    meeting_url = reverse("admin:purchasing_meeting_add")
    response = client.post(meeting_url, {
        "commission": scenario.commission.pk, "campaign": campaign.pk,
        "held_on": timezone.localdate(), "present": [m.pk for m in scenario.members],
        "status": "open", "votes-TOTAL_FORMS": 0, "votes-INITIAL_FORMS": 0})
    assert response.status_code == 302
    review = reverse("admin:purchasing_allocation_review", args=[run.pk])
    for member in scenario.members[:7]:
        client.force_login(member.user)
        client.post(review, {"action": "vote", "choice": "for"})
    client.force_login(scenario.chair)
    client.post(reverse("admin:purchasing_allocation_approve", args=[run.pk]),
                {"confirmed": "yes"})
    assert Protocol.objects.get(allocation=run).status == Protocol.Status.APPROVED

    client.force_login(hq_operator)
    action(client, "campaign", "make_contracts", [campaign.pk])
    contracts = Contract.objects.filter(year=year)
    assert contracts.count() == 2
    action(client, "contract", "sign", list(contracts.values_list("pk", flat=True)))
    assert set(contracts.values_list("status", flat=True)) == {"signed"}
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CONTRACTED
