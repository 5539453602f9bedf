"""An analyst exports the persons list from the admin, as filtered on screen."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from osms.core.roles import ANALYST
from osms.exports.models import ExportJob
from tests.factories import PersonFactory, UserFactory

from .conftest import read_csv, read_xlsx, read_xlsx_cells, response_bytes

LIST_URL = "/admin/payers/person/"
EXPORT_URL = "/admin/payers/person/background-export/"


@pytest.fixture
def registry(almaty, astana):
    almaty_people = [
        PersonFactory(region=almaty, last_name=name, born=datetime.date(1987, 10, 8))
        for name in ("Ахметова", "Бекова", "Волкова")
    ]
    astana_people = [PersonFactory(region=astana, last_name=n) for n in ("Жумабаева", "Иванова")]
    return almaty_people, astana_people


def client_for(user, language="ru"):
    """A logged-in browser whose language is ``language`` (Russian: the Fund's default)."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def export(client, querystring, file_format="xlsx"):
    return client.post(f"{EXPORT_URL}?{querystring}", {"file_format": file_format})


def test_export_button_on_the_list_carries_the_current_filters(analyst, almaty, registry):
    querystring = f"region__id__exact={almaty.pk}&o=2"
    response = client_for(analyst).get(f"{LIST_URL}?{querystring}&p=1")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{EXPORT_URL}?region__id__exact={almaty.pk}&amp;o=2"' in html


def test_confirmation_page_counts_the_filtered_rows(analyst, almaty, registry):
    response = client_for(analyst).get(f"{EXPORT_URL}?region__id__exact={almaty.pk}")
    assert response.status_code == 200
    assert response.context["rows"] == 3
    assert response.context["rows_exact"] is True
    assert [name for name, _value in response.context["filters"]] == ["регион"]


def test_filtered_export_has_exactly_the_rows_of_the_list(analyst, almaty, registry):
    almaty_people, _astana = registry
    client = client_for(analyst)
    response = export(client, f"region__id__exact={almaty.pk}&o=1")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:exports_exportjob_changelist")
    job = ExportJob.objects.get(user=analyst)
    assert (job.status, job.rows_done, job.rows_total, job.ran_synchronously) == (
        ExportJob.Status.DONE, 3, 3, True)

    download = client.get(reverse("admin:exports_exportjob_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    rows = next(iter(read_xlsx(response_bytes(download)).values()))
    header, data = rows[0], rows[1:]
    # Headers in the user's language (Russian by default), as the list shows them.
    assert header == ("ИИН", "фамилия", "имя", "отчество", "дата рождения", "пол",
                      "гражданство / резидентство", "регион")
    assert len(data) == 3
    # Ordered by last name (o=1: an analyst has no bulk actions, so no checkbox column)
    # exactly as on the screen; region and sex shown as labels.
    assert [row[1] for row in data] == ["Ахметова", "Бекова", "Волкова"]
    assert {row[0] for row in data} == {p.iin for p in almaty_people}
    assert {row[7] for row in data} == {almaty.name_ru}
    assert {row[5] for row in data} == {"женский"}


def test_birth_date_is_an_excel_date_and_the_iin_stays_text(analyst, almaty, registry, export_media):
    export(client_for(analyst), f"region__id__exact={almaty.pk}")
    job = ExportJob.objects.get(user=analyst)
    cells = read_xlsx_cells(export_media / job.file.name)
    iin, _l, _f, _m, birth_date, *_rest = cells[1]
    assert birth_date[0] == datetime.datetime(1987, 10, 8)
    assert birth_date[1] == "mm-dd-yy"  # built-in format 14: the reader's short date
    assert iin[2] == "s" and len(iin[0]) == 12


def test_another_user_cannot_download_or_see_the_export(analyst, almaty, registry):
    export(client_for(analyst), f"region__id__exact={almaty.pk}")
    job = ExportJob.objects.get(user=analyst)
    other = client_for(UserFactory(username="other_analyst", roles=[ANALYST]))
    assert other.get(reverse("admin:exports_exportjob_download", args=[job.pk])).status_code == 404
    progress = other.get(reverse("admin:exports_exportjob_progress"), {"ids": str(job.pk)})
    assert progress.json() == {"jobs": []}
    centre = other.get(reverse("admin:exports_exportjob_changelist"))
    assert centre.status_code == 200
    assert list(centre.context["cl"].result_list) == []


def test_regional_analyst_export_contains_only_their_region(almaty_analyst, astana, registry):
    almaty_people, _astana = registry
    client = client_for(almaty_analyst)
    export(client, "")
    job = ExportJob.objects.get(user=almaty_analyst)
    data = next(iter(read_xlsx(response_bytes(
        client.get(reverse("admin:exports_exportjob_download", args=[job.pk]))
    )).values()))[1:]
    assert sorted(row[0] for row in data) == sorted(p.iin for p in almaty_people)
    # Asking for another region through the query string yields nothing, not their rows.
    export(client, f"region__id__exact={astana.pk}")
    second = ExportJob.objects.filter(user=almaty_analyst).latest("id")
    assert (second.status, second.rows_done) == (ExportJob.Status.DONE, 0)


def test_large_list_runs_in_the_background_with_progress(
    analyst, almaty, registry, settings, django_capture_on_commit_callbacks
):
    settings.EXPORTS_SYNC_MAX_ROWS = 2
    settings.EXPORTS_PROGRESS_EVERY = 1
    settings.EXPORTS_CHUNK_SIZE = 1
    client = client_for(analyst)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = export(client, "")
    assert response.status_code == 302
    assert len(callbacks) == 1
    job = ExportJob.objects.get(user=analyst)
    assert (job.status, job.ran_synchronously, job.rows_done) == (ExportJob.Status.DONE, False, 5)
    progress = client.get(reverse("admin:exports_exportjob_progress"), {"ids": f"{job.pk},x"})
    [state] = progress.json()["jobs"]
    assert (state["status"], state["rows_done"], state["rows_total"], state["percent"]) == (
        "done", 5, 5, 100)
    assert state["download_url"] == reverse("admin:exports_exportjob_download", args=[job.pk])


def test_download_centre_shows_status_progress_and_link(analyst, almaty, registry):
    client = client_for(analyst)
    export(client, f"region__id__exact={almaty.pk}")
    job = ExportJob.objects.get(user=analyst)
    page = client.get(reverse("admin:exports_exportjob_changelist"))
    html = page.content.decode()
    assert f'data-export-job="{job.pk}"' in html
    assert 'data-status="done"' in html
    assert reverse("admin:exports_exportjob_download", args=[job.pk]) in html
    assert "exports/progress.js" in html


def test_csv_option(analyst, almaty, registry, export_media):
    export(client_for(analyst), f"region__id__exact={almaty.pk}&o=1", file_format="csv")
    job = ExportJob.objects.get(user=analyst)
    assert job.file.name.endswith(".csv")
    rows = read_csv(export_media / job.file.name)
    assert rows[0][0] == "ИИН"
    assert job.language == "ru"
    assert [row[1] for row in rows[1:]] == ["Ахметова", "Бекова", "Волкова"]
    assert {row[4] for row in rows[1:]} == {"1987-10-08"}


def test_user_without_view_permission_cannot_export(db, registry):
    stranger = UserFactory(username="no_roles")
    response = client_for(stranger).get(EXPORT_URL)
    assert response.status_code == 403
    assert not ExportJob.objects.exists()


def test_bad_filter_is_reported_not_a_server_error(analyst, registry):
    response = export(client_for(analyst), "birth_date__gte=not-a-date")
    assert response.status_code == 302
    assert not ExportJob.objects.exists()


def test_headers_follow_the_users_language(analyst, almaty, registry, export_media):
    export(client_for(analyst, language="kk"), f"region__id__exact={almaty.pk}")
    job = ExportJob.objects.get(user=analyst)
    assert job.language == "kk"
    header = next(iter(read_xlsx(export_media / job.file.name).values()))[0]
    assert header[0] == "ЖСН"
    assert header[7] == "өңір"


@pytest.mark.parametrize(("language", "title", "button"), [
    ("ru", "Центр загрузок", "Экспорт"),
    ("kk", "Жүктеп алу орталығы", "Экспорт"),
])
def test_download_centre_and_button_are_translated(analyst, registry, language, title, button):
    client = client_for(analyst, language=language)
    assert title in client.get(reverse("admin:exports_exportjob_changelist")).content.decode()
    assert f"{button}" in client.get(LIST_URL).content.decode()
