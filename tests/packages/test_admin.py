"""The admin tools: eligibility page, comparison page and Excel, copy and publish."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from packages.models import CareType, PackageVersion
from payers.models import Citizenship
from tests.factories import PersonFactory

BASE = "/admin/packages/packageversion/"


@pytest.fixture
def hq_client(client, hq_operator):
    client.force_login(hq_operator)
    return client


def test_eligibility_page_shows_the_answer_and_trace(hq_client, icd10_subset):
    person = PersonFactory(citizenship=Citizenship.CITIZEN)
    page = hq_client.get(BASE + "eligibility/")
    assert page.status_code == 200
    care = page.context["form"].fields["care_type"].queryset.get(code="consultative_diagnostic")
    response = hq_client.post(BASE + "eligibility/", {
        "iin": person.iin, "date": "2026-04-01", "care_type": care.pk, "icd10": "I10",
        "insured": "1"})
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.funding_source, result.package_version) == ("OSMS", "2026")
    assert b"eligibility-result" in response.content


def test_eligibility_page_shows_errors_on_the_field(hq_client, icd10_subset):
    person = PersonFactory()
    care = CareType.objects.get(code="phc")
    response = hq_client.post(BASE + "eligibility/", {
        "iin": person.iin, "date": "2019-04-01", "care_type": care.pk, "icd10": "I10",
        "insured": ""})
    assert response.status_code == 200
    assert "No published package version" in " ".join(response.context["form"].errors["date"])


def test_compare_page_and_excel(hq_client):
    v2025 = PackageVersion.objects.get(code="2025")
    v2026 = PackageVersion.objects.get(code="2026")
    query = f"?before={v2025.pk}&after={v2026.pk}"
    page = hq_client.get(BASE + "compare/" + query)
    assert page.status_code == 200
    assert "I10-I15" in page.content.decode()
    export = hq_client.get(BASE + "compare/" + query + "&format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(export.content), read_only=True)
    assert len(list(book["Diseases"].iter_rows())) > 24


def test_operator_copies_and_publishes_2027_in_the_admin(hq_client):
    v2026 = PackageVersion.objects.get(code="2026")
    response = hq_client.post(BASE + f"{v2026.pk}/copy/", {
        "code": "2027", "valid_from": "2027-01-01", "name_ru": "Единый пакет, 2027"})
    draft = PackageVersion.objects.get(code="2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:packages_packageversion_change",
                                           args=[draft.pk])
    assert draft.rules.count() == v2026.rules.count()
    confirm = hq_client.get(BASE + f"{draft.pk}/publish/")
    assert confirm.status_code == 200
    draft.refresh_from_db()
    assert draft.is_published is False  # a GET only asks for confirmation
    hq_client.post(BASE + f"{draft.pk}/publish/", {"confirmed": "yes"})
    draft.refresh_from_db()
    v2026.refresh_from_db()
    assert draft.is_published is True
    assert v2026.valid_to == datetime.date(2026, 12, 31)
    change_page = hq_client.get(reverse("admin:packages_packageversion_change", args=[draft.pk]))
    assert change_page.status_code == 200


def test_regional_operator_reads_but_cannot_edit(client, almaty_operator):
    client.force_login(almaty_operator)
    v2026 = PackageVersion.objects.get(code="2026")
    assert client.get(BASE).status_code == 200
    assert client.get(BASE + "eligibility/").status_code == 200
    response = client.post(BASE + f"{v2026.pk}/copy/", {
        "code": "2027", "valid_from": "2027-01-01"})
    assert response.status_code in (302, 403)
    assert not PackageVersion.objects.filter(code="2027").exists()
    assert client.get("/admin/packages/tariffcaserate/import/").status_code == 403


@pytest.mark.parametrize("model", [
    "caretype", "icd10code", "diseaselist", "packageversion", "tariffphcnorm",
    "tariffphccoefficient", "tariffcaserate", "tariffserviceprice", "tariffbedday",
])
def test_admin_lists_open(hq_client, model):
    assert hq_client.get(f"/admin/packages/{model}/").status_code == 200


def test_tariff_import_page_opens_for_head_office(hq_client):
    assert hq_client.get("/admin/packages/tariffcaserate/import/").status_code == 200


def test_person_page_links_to_the_eligibility_tool(hq_client, hq_operator, rf, monkeypatch):
    from django.utils import timezone

    from packages.admin.panel import person_package_panel

    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2026, 5, 1))
    person = PersonFactory()
    request = rf.get("/")
    request.user = hq_operator
    html = person_package_panel(request, person)
    assert f"iin={person.iin}" in html and "date=2026-05-01" in html
    assert "2026" in html
    page = hq_client.get(BASE + f"eligibility/?iin={person.iin}&date=2026-05-01")
    assert page.context["form"].initial == {"iin": person.iin, "date": "2026-05-01"}
    assert hq_client.get(f"/admin/payers/person/{person.pk}/change/").status_code == 200


@pytest.mark.parametrize("role", ["auditor", "analyst", "almaty_operator"])
@pytest.mark.parametrize("step", ["publish", "unpublish"])
def test_publishing_is_refused_to_other_roles(client, db, role, step, request):
    draft = PackageVersion.objects.get(code="2026")
    client.force_login(request.getfixturevalue(role))
    assert client.get(BASE + f"{draft.pk}/{step}/").status_code == 403
    assert client.post(BASE + f"{draft.pk}/{step}/", {"confirmed": "yes"}).status_code == 403
    draft.refresh_from_db()
    assert draft.is_published is True


def test_an_unconfirmed_post_only_asks(hq_client):
    v2026 = PackageVersion.objects.get(code="2026")
    assert hq_client.post(BASE + f"{v2026.pk}/unpublish/").status_code == 200
    v2026.refresh_from_db()
    assert v2026.is_published is True
    assert hq_client.post(BASE + f"{v2026.pk}/unpublish/", {"confirmed": "yes"}).status_code == 302
    v2026.refresh_from_db()
    assert v2026.is_published is False


def test_a_malformed_version_id_is_404(hq_client):
    assert hq_client.get(BASE + "abc/publish/").status_code == 404
