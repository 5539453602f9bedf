"""Region scope on every surface (admin list, detail, API, dashboard) and the admin pages."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reconciliation.models import CollectionSummary, Discrepancy, EmployerNotice
from reconciliation.reconcile import reconcile_period
from reconciliation.services import notice_issue
from tests.factories import OrganisationFactory, PersonFactory, region

from .helpers import D121, JAN, declaration_line, import_lines


@pytest.fixture
def two_regions(month, hq_operator):
    """The planted Almaty month plus one Astana discrepancy (declared, not paid)."""
    astana_employer = OrganisationFactory(region=region("710000000"))
    person = PersonFactory(region=region("710000000"))
    import_lines([declaration_line(astana_employer.bin, person.iin, JAN, "100000", "3000",
                                   "2000")], name="astana.csv")
    reconcile_period(period=JAN)
    notice_issue(employer=month["employer"], period=JAN, acting_user=hq_operator)
    return {**month, "astana_employer": astana_employer, "astana_person": person}


def _kato(queryset):
    return set(queryset.values_list("region__kato", flat=True))


@pytest.mark.parametrize("model", [Discrepancy, CollectionSummary, EmployerNotice])
def test_for_user_confines_a_regional_operator(two_regions, model, almaty_operator,
                                               astana_operator, hq_operator):
    assert _kato(model.objects.for_user(almaty_operator)) == {"750000000"}
    assert _kato(model.objects.for_user(hq_operator)) >= {"750000000"}
    if model is not EmployerNotice:
        assert _kato(model.objects.for_user(astana_operator)) == {"710000000"}


@pytest.mark.parametrize("name", ["discrepancy", "collectionsummary", "employernotice"])
def test_admin_list_and_detail_hide_other_regions(two_regions, client, astana_operator, name):
    client.force_login(astana_operator)
    changelist = client.get(reverse(f"admin:reconciliation_{name}_changelist"))
    assert changelist.status_code == 200
    model = {"discrepancy": Discrepancy, "collectionsummary": CollectionSummary,
             "employernotice": EmployerNotice}[name]
    almaty_row = model.objects.filter(region__kato="750000000").first()
    detail = client.get(reverse(f"admin:reconciliation_{name}_change", args=[almaty_row.pk]))
    assert detail.status_code in (302, 404)
    if name == "discrepancy":
        assert two_regions["astana_person"].iin in changelist.content.decode()
        assert two_regions["p"][4].iin not in changelist.content.decode()


def test_api_lists_only_own_region_and_404s_the_rest(two_regions, astana_operator):
    api = APIClient()
    api.force_authenticate(astana_operator)
    listing = api.get("/api/v1/reconciliation/discrepancies/")
    assert listing.status_code == 200
    assert {row["region"] for row in listing.json()["results"]} == {"710000000"}
    almaty = Discrepancy.objects.filter(region__kato="750000000").first()
    assert api.get(f"/api/v1/reconciliation/discrepancies/{almaty.pk}/").status_code == 404
    moved = api.post(f"/api/v1/reconciliation/discrepancies/{almaty.pk}/transition/",
                     {"status": "resolved"}, format="json")
    assert moved.status_code == 404
    own = Discrepancy.objects.get(region__kato="710000000", kind=D121)
    moved = api.post(f"/api/v1/reconciliation/discrepancies/{own.pk}/transition/",
                     {"status": "written_off"}, format="json")
    assert moved.status_code == 400 and "notes" in moved.json()
    moved = api.post(f"/api/v1/reconciliation/discrepancies/{own.pk}/transition/",
                     {"status": "notified"}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "notified"
    assert api.post("/api/v1/reconciliation/discrepancies/", {}, format="json").status_code in (
        403, 405)


def test_the_admin_change_form_moves_the_workflow_through_the_service(two_regions, client,
                                                                      almaty_operator):
    client.force_login(almaty_operator)
    d = Discrepancy.objects.get(iin=two_regions["p"][9].iin)
    url = reverse("admin:reconciliation_discrepancy_change", args=[d.pk])
    page = client.get(url)
    assert page.status_code == 200
    management = {}
    for inline in page.context["inline_admin_formsets"]:
        form = inline.formset.management_form
        management.update({f"{form.prefix}-{k}": v for k, v in form.initial.items()})
        for index, sub in enumerate(inline.formset.forms):
            management[f"{inline.formset.prefix}-{index}-id"] = sub.instance.pk
            management[f"{inline.formset.prefix}-{index}-discrepancy"] = d.pk
    response = client.post(url, {"status": "written_off", "assignee": "", "new_note": "",
                                 **management})
    assert response.status_code == 200  # the form asks for the reason
    assert Discrepancy.objects.get(pk=d.pk).status == "notified"
    response = client.post(url, {"status": "written_off", "assignee": almaty_operator.pk,
                                 "new_note": "Agreed with the employer", **management})
    assert response.status_code == 302, response.context["adminform"].form.errors
    d.refresh_from_db()
    assert (d.status, d.assignee) == ("written_off", almaty_operator)
    assert "Agreed with the employer" in d.notes
    assert set(d.events.values_list("action", flat=True)) >= {"status", "assign", "note"}


def test_notice_downloads_and_worklist_pages(two_regions, client, hq_operator):
    client.force_login(hq_operator)
    notice = EmployerNotice.objects.get()
    pdf = client.get(reverse("admin:reconciliation_employernotice_download_pdf",
                             args=[notice.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("admin:reconciliation_employernotice_download_xlsx",
                              args=[notice.pk]))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    page = client.get(reverse("admin:reconciliation_discrepancy_by_employer"))
    assert page.status_code == 200
    assert two_regions["astana_employer"].bin in page.content.decode()
    export = client.get(reverse("admin:reconciliation_collectionsummary_export_all_xlsx"))
    assert export.status_code == 200 and export.content.startswith(b"PK")
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200 and 'data-panel="reconciliation"' in index.content.decode()


def test_upload_page_loads_a_file(db, client, hq_operator, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .helpers import csv_bytes

    employer = OrganisationFactory()
    body = csv_bytes([declaration_line(employer.bin, PersonFactory().iin, JAN, "1", "0", "0")])
    client.force_login(hq_operator)
    url = reverse("admin:reconciliation_declarationimportrun_upload")
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # the queued run, eager Celery
        response = client.post(url, {"file": SimpleUploadedFile("d.csv", body)})
    assert response.status_code == 302
    from reconciliation.models import Declaration

    assert Declaration.objects.get().employer == employer


def test_regional_operator_cannot_upload_or_run(db, client, almaty_operator):
    client.force_login(almaty_operator)
    url = reverse("admin:reconciliation_declarationimportrun_upload")
    assert client.get(url).status_code in (302, 403)
