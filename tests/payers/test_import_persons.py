"""Person and organisation imports through the admin: the upload keeps the file and queues
a background run; the run stages the rows, merges them set-based by ИИН / БИН, and names
every refused row's field and reason (issue 17.5)."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from payers.models import Organisation, Person, RegistryImportRun
from tests.factories import PersonFactory, region

HEADER = "iin,last_name,first_name,middle_name,region\n"
GOOD = "871008401427,Ахметова,Айгерим,Сериковна,750000000\n"


def upload(client, content, name="persons.csv", model="person", **fields):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(reverse(f"admin:payers_{model}_import"),
                       {"file": SimpleUploadedFile(name, data), **fields})


def last_run():
    return RegistryImportRun.objects.order_by("-id").first()


@pytest.fixture
def run_now(django_capture_on_commit_callbacks):
    """The queued task runs when the upload's transaction commits (eager Celery)."""
    def post(client, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return upload(client, *args, **kwargs)
    return post


def test_upload_queues_a_run_and_loads_the_person(client, hq_operator, run_now):
    client.force_login(hq_operator)
    response = run_now(client, HEADER + GOOD)
    run = last_run()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:payers_registryimportrun_change",
                                           args=[run.pk])
    run.refresh_from_db()
    assert (run.status, run.rows_total, run.inserted, run.rows_rejected) == ("done", 1, 1, 0)
    person = Person.objects.get(iin="871008401427")
    assert str(person.birth_date) == "1987-10-08" and person.sex == "F"
    assert person.history.get().history_user == hq_operator
    assert person.history.get().history_type == "+"
    page = client.get(reverse("admin:payers_registryimportrun_change", args=[run.pk]))
    assert page.status_code == 200 and "100 %" in page.content.decode()


def test_rerun_of_the_same_file_changes_nothing(client, hq_operator, run_now):
    client.force_login(hq_operator)
    run_now(client, HEADER + GOOD)
    run_now(client, HEADER + GOOD, reload="on")  # the same file, loading again confirmed
    run = last_run()
    assert (run.status, run.inserted, run.updated, run.unchanged) == ("done", 0, 0, 1)
    assert Person.objects.count() == 1
    assert Person.objects.get().history.count() == 1
    run_now(client, HEADER + GOOD.replace("Сериковна", "Маратовна"))
    assert (last_run().inserted, last_run().updated) == (0, 1)
    person = Person.objects.get()
    assert person.middle_name == "Маратовна"
    assert [h.history_type for h in person.history.order_by("history_id")] == ["+", "~"]


def test_rejects_name_the_row_the_field_and_the_rule(client, hq_operator, run_now):
    client.force_login(hq_operator)
    content = (HEADER + GOOD
               + "871008401428,Иванов,Иван,,750000000\n"  # bad check digit
               + "900101300811,Омаров,Арман,,123456789\n"  # unknown region
               + "871008401427,Ахметова,Айгерим,,750000000\n"  # repeated in the file
               + "870230300811,Сейтов,Ерлан,,750000000\n"  # 30 February
               + "=HYPERLINK(\"http://x\"),А,Б,,750000000\n")
    run_now(client, content)
    run = last_run()
    rejects = {r.row_number: (r.field, r.reason) for r in run.rejects.all()}
    assert (run.status, run.inserted, run.rows_rejected) == ("done", 1, 5)
    assert rejects[3][0] == "iin" and "check digit is wrong: expected" in rejects[3][1]
    assert rejects[4] == ("region", "Unknown region KATO code 123456789.")
    assert rejects[5] == ("iin", "The same IIN is already in row 2.")
    assert rejects[6][0] == "iin" and "impossible birth date 870230" in rejects[6][1]
    assert rejects[7][0] == "iin" and "12 digits" in rejects[7][1]
    assert Person.objects.count() == 1


def test_cp1251_semicolons_and_xlsx_numbers_are_read(client, hq_operator, run_now):
    client.force_login(hq_operator)
    run_now(client, (HEADER + GOOD).replace(",", ";").encode("cp1251"))
    assert (last_run().status, last_run().inserted) == ("done", 1)
    workbook = openpyxl.Workbook()
    workbook.active.append(["iin", "last_name", "first_name", "middle_name", "region"])
    workbook.active.append(["900101300811", "Омаров", "Арман", None, 750000000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    run_now(client, buffer.getvalue(), name="persons.xlsx")
    assert (last_run().status, last_run().inserted) == ("done", 1), last_run().error
    assert Person.objects.count() == 2


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00binary", "virus.xlsx", "binary data"),
        (b"PK\x03\x04broken zip", "persons.xlsx", "xlsx file cannot be read"),
        ("name;surname\nx;y\n", "persons.csv", "missing: iin, last_name, first_name, region"),
        ("iin,last_name\n".encode("utf-16"), "persons.csv", "UTF-16"),
    ],
    ids=["exe-renamed-xlsx", "broken-xlsx", "wrong-columns", "utf-16"],
)
def test_malformed_files_fail_with_a_clear_error(client, hq_operator, run_now, content, name,
                                                 message):
    client.force_login(hq_operator)
    response = run_now(client, content, name=name)
    assert response.status_code == 302
    run = last_run()
    assert run.status == "failed" and message in run.error, run.error
    assert not Person.objects.exists()


def test_a_file_over_the_limit_is_refused_on_the_form(client, hq_operator, settings):
    settings.IMPORT_MAX_MB = {"persons": 1}
    client.force_login(hq_operator)
    response = upload(client, HEADER + GOOD * 40000, name="big.csv")
    assert response.status_code == 200
    error = str(response.context["form"].errors["file"])
    assert "“big.csv” is 2.8 MB" in error and "at most 1 MB" in error
    assert not RegistryImportRun.objects.exists()


def test_regional_operator_cannot_import_or_overwrite_another_region(client, astana_operator,
                                                                      run_now):
    existing = PersonFactory(region=region("750000000"))
    client.force_login(astana_operator)
    run_now(client, HEADER + GOOD + f"{existing.iin},Другая,Фамилия,,710000000\n")
    run = last_run()
    assert run.region.kato == "710000000"
    rejects = {r.row_number: (r.field, r.reason) for r in run.rejects.all()}
    assert rejects[2] == ("region", "You may only import rows of your own region.")
    # The row of a person registered elsewhere names the region and who to ask (issue 18.3).
    assert rejects[3][0] == "iin"
    assert rejects[3][1].startswith("This person is already registered in the region «Almaty»")
    assert "head-office operators" in rejects[3][1] and "Request a transfer" in rejects[3][1]
    existing.refresh_from_db()
    assert existing.region.kato == "750000000" and existing.last_name != "Другая"
    assert not Person.objects.filter(iin="871008401427").exists()


def test_organisations_import_by_bin(client, hq_operator, run_now):
    client.force_login(hq_operator)
    run_now(client, "bin,name,kind,region\n060540000018,ТОО «Дала»,employer,750000000\n"
                    "060540000016,ТОО «Бад»,employer,750000000\n", model="organisation")
    run = last_run()
    assert (run.kind, run.status, run.inserted, run.rows_rejected) == (
        "organisations", "done", 1, 1), run.error
    assert Organisation.objects.get().name == "ТОО «Дала»"
    assert run.rejects.get().field == "bin"
