"""Every import's upload page answers a hostile file with a page or a redirect to its run,
never a 500, and the queued run ends done or failed with a message (issue 17)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given, settings

from coverage.models import CategoryFeedRun
from packages.models import TariffImportRun
from payers.models import ImportRun, RegistryImportRun
from reconciliation.models import DeclarationImportRun

from .files import FUZZ, import_file
from .test_importers_fuzz import DECLARATIONS, FEEDS, PAYMENTS, PERSONS, TARIFFS

pytestmark = pytest.mark.django_db

PAGES = {  # url, extra fields, the columns, the run model and its error field
    "persons": ("/admin/payers/person/import/", {}, PERSONS, RegistryImportRun),
    "payments": ("/admin/payers/importrun/upload/", {}, PAYMENTS, ImportRun),
    "feeds": ("/admin/coverage/categoryfeedrun/upload/", {"partner": "labour_is"}, FEEDS,
              CategoryFeedRun),
    "declarations": ("/admin/reconciliation/declarationimportrun/upload/", {}, DECLARATIONS,
                     DeclarationImportRun),
    "tariffs": ("/admin/packages/tariffserviceprice/import/", {}, TARIFFS, TariffImportRun),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_upload_page_never_answers_500(page, hq_operator, django_capture_on_commit_callbacks):
    url, extra, columns, model = PAGES[page]
    client = Client(raise_request_exception=False)
    client.force_login(hq_operator)

    @settings(FUZZ, max_examples=max(FUZZ.max_examples // 4, 5))
    @given(content=import_file(columns))
    def upload(content):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"file": SimpleUploadedFile("f.csv", content),
                                         **extra})
        assert response.status_code in (200, 302), response.status_code
        run = model.objects.order_by("-pk").first()
        if response.status_code == 302 and run is not None:
            assert run.status in ("done", "failed")
            assert run.status == "done" or run.error

    upload()
