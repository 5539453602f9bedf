"""Deleting (or cancelling) an export in the download centre: asked first, own exports only.

The delete page (GET) changes nothing; only the owner's confirmed POST deletes the job and
its file, through ``export_delete``; another user's export looks missing and stays.
"""

from django.test import Client
from django.urls import reverse

from osms.exports.models import ExportJob


def test_only_the_owners_confirmed_post_deletes_an_export(finished_job, analyst, auditor,
                                                          export_media):
    path = export_media / finished_job.file.name
    delete = reverse("admin:exports_exportjob_delete", args=[finished_job.pk])
    changelist = reverse("admin:exports_exportjob_changelist")
    stranger = Client()
    stranger.force_login(auditor)
    assert stranger.get(delete).status_code in (302, 404)
    assert stranger.post(delete, {"post": "yes"}).status_code in (302, 404)
    stranger.post(changelist, {"action": "delete_selected", "post": "yes",
                               "_selected_action": [finished_job.pk]})
    assert ExportJob.objects.filter(pk=finished_job.pk).exists() and path.is_file()
    owner = Client()
    owner.force_login(analyst)
    assert owner.get(delete).status_code == 200
    assert ExportJob.objects.filter(pk=finished_job.pk).exists() and path.is_file()
    assert owner.post(delete, {"post": "yes"}).status_code == 302
    assert not ExportJob.objects.filter(pk=finished_job.pk).exists()
    assert not path.exists()
