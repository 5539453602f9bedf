"""Reconciliation and the exports answer bad input with 4xx or a message, never a 500 (17.8).

Every list with bad filters (a NUL character among them), every object page and notice
download with bad ids, the period pages, the exports' progress and download views, and
the API's lists and the workflow transition with bad values.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from osms.core.models import User
from reconciliation.models import Discrepancy
from reconciliation.reconcile import reconcile_period
from tests.bad_input import BAD_JSON, BAD_VALUES, Prober, probe_admin_lists_and_objects

from .helpers import JAN

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(month):
    reconcile_period(period=JAN)
    return User.objects.create_superuser("root", "root@example.kz", "pass-Word-123")


def test_admin_pages_answer_bad_input_without_a_server_error(client, root):
    client.force_login(root)
    probe = Prober(client)
    probe_admin_lists_and_objects(probe, "reconciliation", "exports")
    for value in ("abc", "%00", "99999999999999999999"):
        for download in ("download_pdf", "download_xlsx"):
            response = probe("get", reverse(f"admin:reconciliation_employernotice_{download}",
                                            args=[value]))
            assert response.status_code == 404
        probe("get", reverse("admin:exports_exportjob_progress"), {"ids": value})
        probe("get", reverse("admin:exports_exportjob_download", args=[7]), {"x": value})
    for value in BAD_VALUES:
        for page in ("admin:reconciliation_discrepancy_by_employer",
                     "admin:reconciliation_collectionsummary_export_all_xlsx",
                     "admin:reconciliation_reconciliationrun_run_period"):
            probe("get", reverse(page), {"period": value})
        probe("post", reverse("admin:reconciliation_reconciliationrun_run_period"),
              {"period": value, "confirmed": "yes"})
        probe("get", reverse("admin:reconciliation_discrepancy_background_export"),
              {"status": value, "o": value})
    assert probe.failures == []


def test_api_answers_bad_input_without_a_server_error(root):
    api = APIClient()
    api.force_authenticate(root)
    probe = Prober(api)
    for prefix, filters in (("discrepancies", ("period", "status", "type", "kind",
                                               "employer_bin", "iin", "page")),
                            ("collections", ("period", "payer_type", "page"))):
        for name in filters:
            for value in BAD_VALUES[:4] + ["1e400"]:
                probe("get", f"/api/v1/reconciliation/{prefix}/", {name: value})
        probe("get", f"/api/v1/reconciliation/{prefix}/abc/")
    discrepancy = Discrepancy.objects.first()
    for value in BAD_JSON:
        response = probe("post",
                         f"/api/v1/reconciliation/discrepancies/{discrepancy.pk}/transition/",
                         {"status": value, "note": value}, format="json")
        assert response.status_code == 400
    assert probe.failures == []
