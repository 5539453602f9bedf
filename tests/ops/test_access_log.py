"""Who viewed which person's data: one access-log row per view (issue 17, "Operations")."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from osms.core.access_log import (
    BLOCK,
    ExportedPersons,
    PersonalDataAccess,
    Viewer,
    exported_count,
    exported_person_ids,
)
from osms.exports.models import ExportJob
from payers.models import Person
from tests.coverage.helpers import pay, pay_months
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

What = PersonalDataAccess.What
D = datetime.date


@pytest.fixture(autouse=True)
def export_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EXPORTS_SYNC_MAX_ROWS = 5000
    settings.CELERY_TASK_ALWAYS_EAGER = True


def browser(user):
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.force_login(user)
    return client


def rows():
    return list(PersonalDataAccess.objects.order_by("id").values_list(
        "username", "what", "person_id", "iin", "ip"))


def test_the_person_page_is_one_row_with_user_person_iin_and_address(hq_operator):
    person = PersonFactory()
    response = browser(hq_operator).get(f"/admin/payers/person/{person.pk}/change/")
    assert response.status_code == 200
    assert rows() == [("hq", What.PERSON_PAGE, person.pk, person.iin, "10.1.2.3")]
    entry = PersonalDataAccess.objects.get()
    assert entry.user_id == hq_operator.pk
    assert entry.detail == f"/admin/payers/person/{person.pk}/change/"


def test_a_page_that_answers_404_or_another_regions_person_writes_nothing(almaty_operator,
                                                                         astana):
    other = PersonFactory(region=astana)
    client = browser(almaty_operator)
    assert client.get(f"/admin/payers/person/{other.pk}/change/").status_code in (302, 404)
    assert client.get("/admin/payers/person/99999999/change/").status_code in (302, 404)
    assert rows() == []


def test_the_persons_payments_list_and_history_page_are_logged(hq_operator):
    person = PersonFactory()
    payment = pay(person, D(2026, 3, 1))
    client = browser(hq_operator)
    assert client.get("/admin/payers/payment/", {"person__id__exact": person.pk}).status_code \
        == 200
    assert client.get(f"/admin/payers/payment/{payment.pk}/change/").status_code == 200
    assert client.get(f"/admin/payers/person/{person.pk}/history/").status_code == 200
    assert client.get("/admin/coverage/coveragehistory/", {"q": person.iin}).status_code == 200
    assert [(w, p) for _u, w, p, _i, _a in rows()] == [
        (What.RECORDS, person.pk), (What.RECORD, person.pk), (What.HISTORY, person.pk),
        (What.RECORDS, person.pk)]
    # a list not narrowed to one person is not a view of a person's record
    assert client.get("/admin/payers/payment/").status_code == 200
    assert len(rows()) == 4


def test_the_eligibility_check_and_the_person_api_log_the_iin_asked(hq_operator):
    person = PersonFactory()
    api = APIClient(REMOTE_ADDR="10.9.9.9")
    api.force_authenticate(hq_operator)
    assert api.get(f"/api/v1/persons/{person.iin}/").status_code == 200
    response = api.post("/api/v1/eligibility/", {
        "iin": person.iin, "date": "2026-02-01", "care_type": "consultative_diagnostic",
        "icd10": "I10"}, format="json")
    assert response.status_code == 200, response.content
    assert [(w, p, i) for _u, w, p, i, _a in rows()] == [
        (What.PERSON_API, person.pk, person.iin), (What.ELIGIBILITY, person.pk, person.iin)]


def test_each_status_api_answer_is_one_row(hq_operator):
    person = PersonFactory()
    pay_months(person, D(2026, 1, 1), D(2026, 3, 1))
    api = APIClient()
    token = Token.objects.create(user=hq_operator)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    for _ in range(3):
        assert api.get(f"/api/v1/coverage/{person.iin}/", {"on": "2026-03-10"}).status_code \
            == 200
    assert api.get("/api/v1/coverage/871008401427/").status_code == 404  # not registered
    assert rows() == [("hq", What.STATUS_API, person.pk, person.iin, "127.0.0.1")] * 3
    assert PersonalDataAccess.objects.first().detail == (
        f"/api/v1/coverage/{person.iin}/?on=2026-03-10")


def test_an_export_of_a_person_list_logs_every_person_in_the_file(analyst, almaty, astana):
    in_file = [PersonFactory(region=almaty) for _ in range(3)]
    PersonFactory(region=astana)
    client = browser(analyst)
    response = client.post(f"/admin/payers/person/background-export/?region__id__exact="
                           f"{almaty.pk}", {"file_format": "csv"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE
    # one row for the file, its persons by block of ids
    entry = PersonalDataAccess.objects.get(what=What.EXPORT)
    assert (entry.detail, entry.username, entry.person_id) == (
        f"{job.title} (#{job.pk})", "analyst", None)
    assert exported_person_ids(entry) == sorted(p.pk for p in in_file)
    assert exported_count(entry) == 3


def test_an_exports_persons_are_kept_by_block_of_ids_and_found_by_iin(auditor, analyst):
    # ids on both sides of two block boundaries: three blocks, one of them with two persons
    persons = [PersonFactory(id=pid) for pid in (BLOCK - 1, BLOCK, BLOCK + 7, 3 * BLOCK + 5)]
    outside = PersonFactory(id=5 * BLOCK)
    entry = Viewer(what=What.EXPORT, user=analyst, detail="list (#1)").export(
        Person.objects.filter(pk__in=[p.pk for p in persons]))
    blocks = dict(ExportedPersons.objects.filter(access=entry).values_list("block", "person_ids"))
    assert {block: sorted(ids) for block, ids in blocks.items()} == {
        0: [BLOCK - 1], 1: [BLOCK, BLOCK + 7], 3: [3 * BLOCK + 5]}
    assert exported_person_ids(entry) == [p.pk for p in persons]
    reader = browser(auditor)
    for person in persons:
        page = reader.get("/admin/core/personaldataaccess/", {"q": person.iin})
        assert list(page.context["cl"].result_list) == [entry], person.pk
    assert "4 persons in the file" in page.content.decode()
    page = reader.get("/admin/core/personaldataaccess/", {"q": outside.iin})
    assert list(page.context["cl"].result_list) == []


@pytest.mark.postgresql
def test_the_log_is_append_only(hq_operator):
    person = PersonFactory()
    browser(hq_operator).get(f"/admin/payers/person/{person.pk}/change/")
    entry = PersonalDataAccess.objects.get()
    for statement in (f"UPDATE core_personaldataaccess SET iin = '' WHERE id = {entry.pk}",
                      f"DELETE FROM core_personaldataaccess WHERE id = {entry.pk}"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(statement)
    assert PersonalDataAccess.objects.get().iin == person.iin
    entry = Viewer(what=What.EXPORT, detail="list").export(Person.objects.all())
    block = ExportedPersons.objects.get(access=entry)
    for statement in (f"UPDATE core_exportedpersons SET person_ids = '[]' WHERE id = {block.pk}",
                      f"DELETE FROM core_exportedpersons WHERE id = {block.pk}"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(statement)
    assert exported_person_ids(entry) == [person.pk]


def test_auditors_read_filter_and_download_the_log_others_do_not(auditor, hq_operator):
    first, second = PersonFactory(), PersonFactory()
    client = browser(hq_operator)
    client.get(f"/admin/payers/person/{first.pk}/change/")
    client.get(f"/admin/payers/person/{second.pk}/change/")
    assert client.get("/admin/core/personaldataaccess/").status_code == 403
    reader = browser(auditor)
    page = reader.get("/admin/core/personaldataaccess/", {"q": second.iin})
    assert page.status_code == 200
    assert list(page.context["cl"].result_list.values_list("person_id", flat=True)) == [
        second.pk]
    assert reader.get("/admin/core/personaldataaccess/add/").status_code == 403
    download = reader.get("/admin/core/personaldataaccess/csv/", {"what": "person_page"})
    assert download.status_code == 200
    lines = b"".join(download.streaming_content).decode().splitlines()
    assert lines[0] == "at,username,what,iin,person_id,detail,ip"
    assert sorted(line.split(",")[3] for line in lines[1:]) == sorted([first.iin, second.iin])
