"""Region confinement: Almaty's commission member cannot see or change Astana's purchasing.

Every region-owned purchasing model × every admin URL (list, change, delete,
history) and the API (list, detail, write actions) answers 403/404 or hides the
row; the same URLs for the member's own region answer 200 (so the test can fail).
"""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from purchasing import services
from purchasing.models import (
    Allocation,
    AllocationAdjustment,
    Application,
    Campaign,
    Commission,
    Contract,
    ContractItem,
    Meeting,
    Protocol,
    Provider,
)
from tests.purchasing.scenario import build, vote_all

pytestmark = pytest.mark.django_db

MODELS = [Campaign, Application, Allocation, Protocol, Contract, ContractItem, Provider,
          Commission, Meeting, AllocationAdjustment]


def approve_and_contract(scenario):
    line = scenario.allocation.lines.get(rank=1)
    services.line_adjust(line=line, new_volume=4000, reason="Снижение по итогам проверки",
                         acting_user=scenario.chair)
    vote_all(scenario)
    services.protocol_approve(protocol=scenario.protocol, acting_user=scenario.chair)
    for item in services.contracts_from_protocol(protocol=scenario.protocol):
        services.contract_sign(contract=item.contract, signed_on=datetime.date(2025, 12, 28))


@pytest.fixture
def regions(almaty, astana):
    own, other = build(almaty, prefix="alm"), build(astana, prefix="ast")
    approve_and_contract(own)
    approve_and_contract(other)
    return own, other


def row_of(model, scenario):
    region = scenario.region
    return model.objects.filter(**{model.region_lookup: region.pk}).order_by("pk").first()


def admin_url(model, name, *args):
    return reverse(f"admin:purchasing_{model._meta.model_name}_{name}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_confines_member_to_region(client, regions, model):
    own, other = regions
    client.force_login(own.users["m2"])
    mine, theirs = row_of(model, own), row_of(model, other)
    assert mine is not None and theirs is not None
    listing = client.get(admin_url(model, "changelist"))
    assert listing.status_code == 200
    ids = {obj.pk for obj in listing.context["cl"].result_list}
    assert mine.pk in ids and theirs.pk not in ids
    assert client.get(admin_url(model, "change", mine.pk)).status_code == 200
    for view in ("change", "delete", "history"):
        response = client.get(admin_url(model, view, theirs.pk))
        assert response.status_code in (403, 404), (view, response.status_code)
    response = client.post(admin_url(model, "delete", theirs.pk), {"post": "yes"})
    assert response.status_code in (403, 404)
    assert model.objects.filter(pk=theirs.pk).exists()


def test_review_and_exports_of_another_region_are_404(client, regions):
    own, other = regions
    client.force_login(own.chair)
    run, protocol = other.allocation, other.protocol
    review = reverse("admin:purchasing_allocation_review", args=[run.pk])
    assert client.get(review).status_code == 404
    line = run.lines.get(rank=2)
    response = client.post(review, {"action": "adjust", "line": line.pk,
                                    f"line{line.pk}-volume": 1,
                                    f"line{line.pk}-reason": "чужой регион пытается"})
    assert response.status_code == 404
    line.refresh_from_db()
    assert line.volume == 3333
    for name in ("purchasing_protocol_xlsx", "purchasing_protocol_pdf"):
        assert client.get(reverse(f"admin:{name}", args=[protocol.pk])).status_code == 404
        assert client.get(reverse(f"admin:{name}", args=[own.protocol.pk])).status_code == 200


def test_application_form_offers_only_own_region_campaigns(client, regions, almaty_operator):
    own, other = regions
    client.force_login(almaty_operator)
    form = client.get(admin_url(Application, "add")).context["adminform"].form
    assert set(form.fields["campaign"].queryset) == {own.campaign}
    assert other.providers[0] not in set(form.fields["provider"].queryset)


API = [
    ("campaigns", Campaign), ("applications", Application), ("allocations", Allocation),
    ("protocols", Protocol), ("contracts", Contract), ("providers", Provider),
]


@pytest.mark.parametrize(("prefix", "model"), API, ids=[p for p, _m in API])
def test_api_confines_member_to_region(regions, prefix, model):
    own, other = regions
    api = APIClient()
    api.force_authenticate(own.users["m2"])
    listing = api.get(f"/api/v1/purchasing/{prefix}/", {"page_size": 1000})
    assert listing.status_code == 200
    ids = {row["id"] for row in listing.json()["results"]}
    assert row_of(model, own).pk in ids and row_of(model, other).pk not in ids
    assert api.get(f"/api/v1/purchasing/{prefix}/{row_of(model, own).pk}/").status_code == 200
    assert api.get(f"/api/v1/purchasing/{prefix}/{row_of(model, other).pk}/").status_code == 404


def test_api_write_actions_on_another_region_are_404(almaty, astana):
    own, other = build(almaty, prefix="alm"), build(astana, prefix="ast")
    api = APIClient()
    api.force_authenticate(own.chair)
    line = other.allocation.lines.get(rank=1)
    response = api.post(f"/api/v1/purchasing/allocation-lines/{line.pk}/adjust/",
                        {"volume": 1, "reason": "чужой регион пытается"}, format="json")
    assert response.status_code == 404
    for verb in ("vote", "approve"):
        response = api.post(f"/api/v1/purchasing/protocols/{other.protocol.pk}/{verb}/",
                            {"choice": "for"}, format="json")
        assert response.status_code == 404
    own_line = own.allocation.lines.get(rank=1)
    response = api.post(f"/api/v1/purchasing/allocation-lines/{own_line.pk}/adjust/",
                        {"volume": 4000, "reason": "Снижение по итогам проверки"}, format="json")
    assert response.status_code == 200 and response.json()["volume"] == 4000
    response = api.post("/api/v1/purchasing/applications/", {
        "campaign": other.campaign.pk, "provider": other.providers[0].pk,
        "requested_volume": 10}, format="json")
    assert response.status_code in (400, 403)
