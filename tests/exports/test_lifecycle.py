"""Files expire and are deleted, dead jobs are closed, failures carry their reason."""

import datetime
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from osms.core.roles import ANALYST
from osms.exports import services
from osms.exports.models import ExportJob
from osms.exports.services import export_delete, export_run, exports_cleanup
from osms.exports.tasks import exports_cleanup_task
from tests.factories import PersonFactory, UserFactory

EXPORT_URL = "/admin/payers/person/background-export/"


def test_a_finished_file_expires_after_the_configured_hours(finished_job, export_media, settings):
    path = export_media / finished_job.file.name
    assert path.is_file()
    expected_expiry = finished_job.finished_at + datetime.timedelta(hours=settings.EXPORTS_EXPIRE_HOURS)
    assert finished_job.expires_at == expected_expiry
    assert exports_cleanup(now=expected_expiry - datetime.timedelta(seconds=1))["expired"] == 0
    assert exports_cleanup(now=expected_expiry)["expired"] == 1
    finished_job.refresh_from_db()
    assert (finished_job.status, finished_job.file.name) == (ExportJob.Status.EXPIRED, "")
    assert not path.exists()


def test_expired_export_can_no_longer_be_downloaded(finished_job, analyst):
    url = reverse("admin:exports_exportjob_download", args=[finished_job.pk])
    client = Client()
    client.force_login(analyst)
    assert client.get(url).status_code == 200
    exports_cleanup(now=finished_job.expires_at)
    assert client.get(url).status_code == 404


def test_cleanup_task_closes_a_job_whose_worker_died(analyst, almaty):
    stuck = ExportJob.objects.create(
        user=analyst, content_type_id=_person_type(), title="persons", language="en",
        status=ExportJob.Status.RUNNING,
    )
    ExportJob.objects.filter(pk=stuck.pk).update(
        updated_at=timezone.now() - datetime.timedelta(hours=7))
    assert exports_cleanup_task() == {"expired": 0, "stale": 1, "orphans": 0}
    stuck.refresh_from_db()
    assert stuck.status == ExportJob.Status.FAILED
    assert "no progress" in stuck.error


def test_failure_is_recorded_with_its_reason_and_shown(analyst, almaty, finished_job):
    job = ExportJob.objects.create(
        user=analyst, content_type_id=_person_type(), title="persons", language="en",
        querystring="citizenship__exact=citizen&birth_date__gte=31.31.2020",
    )
    export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert job.error.startswith("The list's filters are not valid")
    assert not job.file
    client = Client()
    client.force_login(analyst)
    page = client.get(reverse("admin:exports_exportjob_changelist")).content.decode()
    assert "filters are not valid" in page


def test_a_user_who_lost_the_right_to_the_list_gets_a_failed_job(almaty):
    user = UserFactory(username="former_analyst", roles=[ANALYST])
    job = ExportJob.objects.create(
        user=user, content_type_id=_person_type(), title="persons", language="en")
    user.groups.clear()
    export_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error) == (ExportJob.Status.FAILED, "You may no longer export this list.")


def test_running_twice_does_not_rewrite_a_finished_export(finished_job):
    name = finished_job.file.name
    export_run(job_id=finished_job.pk)
    finished_job.refresh_from_db()
    assert (finished_job.status, finished_job.file.name) == (ExportJob.Status.DONE, name)


def test_deleting_an_export_deletes_its_file_and_only_the_owner_may(
    finished_job, export_media, analyst
):
    path = export_media / finished_job.file.name
    other = UserFactory(username="someone_else", roles=[ANALYST])
    with pytest.raises(Exception, match="only delete your own"):
        export_delete(job=finished_job, acting_user=other)
    assert path.exists()
    export_delete(job=finished_job, acting_user=analyst)
    assert not path.exists()
    assert not ExportJob.objects.filter(pk=finished_job.pk).exists()


def test_deleting_a_running_job_stops_it(analyst, almaty, settings, monkeypatch):
    settings.EXPORTS_PROGRESS_EVERY = 1
    settings.EXPORTS_CHUNK_SIZE = 1
    for _ in range(3):
        PersonFactory(region=almaty)
    job = ExportJob.objects.create(
        user=analyst, content_type_id=_person_type(), title="persons", language="en")
    original = services._progress

    def progress_then_delete(job_row, rows_done):
        ExportJob.objects.filter(pk=job_row.pk).delete()
        original(job_row, rows_done)

    monkeypatch.setattr(services, "_progress", progress_then_delete)
    assert export_run(job_id=job.pk) is None
    leftovers = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert leftovers == []


def _person_type():
    from django.contrib.contenttypes.models import ContentType

    from payers.models import Person

    return ContentType.objects.get_for_model(Person).pk
