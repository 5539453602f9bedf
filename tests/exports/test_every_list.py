"""Every admin list with the Export button exports: its columns resolve, its filters rebuild."""

import pytest
from django.contrib import admin

from osms.exports.admin import BackgroundExportMixin
from osms.exports.columns import export_columns
from osms.exports.models import ExportJob
from osms.exports.services import export_request
from tests.factories import UserFactory

EXPORTABLE = sorted(
    (model._meta.label for model, model_admin in admin.site._registry.items()
     if isinstance(model_admin, BackgroundExportMixin)),
)


def test_the_registry_lists_are_exportable():
    assert {"payers.Person", "payers.Organisation", "payers.Activity",
            "payers.Employment"} <= set(EXPORTABLE)


@pytest.mark.parametrize("label", EXPORTABLE)
def test_list_exports_as_head_office(label, db, rf):
    from django.apps import apps

    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    boss = UserFactory(username="boss", is_superuser=True)
    request = rf.get("/")
    request.user = boss
    headers = [column.header for column in export_columns(model_admin, request)]
    assert headers and all(headers)
    for file_format in ("xlsx", "csv"):
        job = export_request(acting_user=boss, model_admin=model_admin, querystring="",
                             file_format=file_format)
        assert (job.status, job.error) == (ExportJob.Status.DONE, ""), label
