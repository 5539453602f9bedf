"""Region confinement that the generated matrix does not express by itself: what a form
offers, what an autocomplete or an export returns, and writes whose body names another
region's row (kept from the former region test files)."""


from django.urls import reverse
from rest_framework.test import APIClient

from purchasing import services
from purchasing.models import Application
from tests.factories import OrganisationFactory, PersonFactory, region
from tests.purchasing.scenario import build, vote_all

ALMATY, ASTANA = "750000000", "710000000"


def test_regional_user_cannot_create_a_person_in_another_region(astana_operator):
    from payers.models import Person

    api = APIClient()
    api.force_authenticate(astana_operator)
    response = api.post("/api/v1/persons/", {
        "iin": "871008401427", "last_name": "Ахметова", "first_name": "Айгерим",
        "region": ALMATY}, format="json")
    assert response.status_code == 403
    assert not Person.objects.filter(iin="871008401427").exists()


def test_region_choices_in_admin_forms_are_limited(client, astana_operator):
    client.force_login(astana_operator)
    response = client.get(reverse("admin:payers_person_add"))
    choices = list(response.context["adminform"].form.fields["region"].queryset)
    assert [r.kato for r in choices] == [ASTANA]


def test_foreign_key_choices_hide_other_regions(client, astana_operator):
    almaty_employer = OrganisationFactory(region=region(ALMATY))
    astana_employer = OrganisationFactory(region=region(ASTANA))
    client.force_login(astana_operator)
    response = client.get(reverse("admin:autocomplete"), {
        "app_label": "payers", "model_name": "employment", "field_name": "employer",
        "term": ""})
    assert response.status_code == 200
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert astana_employer.pk in ids and almaty_employer.pk not in ids


def test_export_resource_contains_only_own_region(astana_operator):
    from payers.resources import PersonResource

    other = PersonFactory(region=region(ALMATY))
    own = PersonFactory(region=region(ASTANA))
    dataset = PersonResource(user=astana_operator).export()
    assert own.iin in dataset["iin"] and other.iin not in dataset["iin"]


def _approved(scenario):
    line = scenario.allocation.lines.get(rank=1)
    services.line_adjust(line=line, new_volume=4000, reason="Снижение по итогам проверки",
                         acting_user=scenario.chair)
    vote_all(scenario)
    services.protocol_approve(protocol=scenario.protocol, acting_user=scenario.chair)
    return scenario


def test_review_adjust_and_protocol_files_of_another_region_are_404(client, almaty, astana):
    own, other = _approved(build(almaty, prefix="alm")), build(astana, prefix="ast")
    client.force_login(own.chair)
    review = reverse("admin:purchasing_allocation_review", args=[other.allocation.pk])
    line = other.allocation.lines.get(rank=2)
    response = client.post(review, {"action": "adjust", "line": line.pk,
                                    f"line{line.pk}-volume": 1,
                                    f"line{line.pk}-reason": "чужой регион пытается"})
    assert response.status_code == 404
    line.refresh_from_db()
    assert line.volume == 3333
    for name in ("purchasing_protocol_xlsx", "purchasing_protocol_pdf"):
        assert client.get(reverse(f"admin:{name}", args=[other.protocol.pk])).status_code == 404
        assert client.get(reverse(f"admin:{name}", args=[own.protocol.pk])).status_code == 200


def test_application_form_and_api_offer_only_own_region_campaigns(client, almaty, astana,
                                                                  almaty_operator):
    own, other = build(almaty, prefix="alm"), build(astana, prefix="ast")
    client.force_login(almaty_operator)
    form = client.get(reverse("admin:purchasing_application_add")).context["adminform"].form
    assert set(form.fields["campaign"].queryset) == {own.campaign}
    assert other.providers[0] not in set(form.fields["provider"].queryset)
    api = APIClient()
    api.force_authenticate(own.chair)
    before = Application.objects.count()
    response = api.post("/api/v1/purchasing/applications/", {
        "campaign": other.campaign.pk, "provider": other.providers[0].pk,
        "requested_volume": 10}, format="json")
    assert response.status_code in (400, 403)
    assert Application.objects.count() == before
    own_line = own.allocation.lines.get(rank=1)
    response = api.post(f"/api/v1/purchasing/allocation-lines/{own_line.pk}/adjust/",
                        {"volume": 4000, "reason": "Снижение по итогам проверки"}, format="json")
    assert response.status_code == 200 and response.json()["volume"] == 4000
