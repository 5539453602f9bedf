"""Person import through the admin: dry-run preview, per-row errors, malformed files."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from payers.models import Person
from payers.resources import PersonResource
from tests.factories import PersonFactory, region

HEADER = "iin,last_name,first_name,middle_name,region\n"
GOOD = "871008401427,Ахметова,Айгерим,Сериковна,750000000\n"


def upload(client, content, name="persons.csv", fmt="0"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(
        reverse("admin:payers_person_import"),
        {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, data)},
    )


def test_dry_run_preview_saves_nothing(client, hq_operator):
    client.force_login(hq_operator)
    response = upload(client, HEADER + GOOD)
    assert response.status_code == 200
    assert response.context["result"].totals["new"] == 1
    assert not Person.objects.exists()


def test_per_row_errors_name_the_row_and_reason(client, hq_operator):
    client.force_login(hq_operator)
    content = (
        HEADER
        + GOOD
        + "871008401428,Иванов,Иван,,750000000\n"  # bad check digit
        + "900101300811,Омаров,Арман,,123456789\n"  # unknown region
        + "871008401427,Ахметова,Айгерим,,750000000\n"  # duplicate in the file
    )
    response = upload(client, content)
    result = response.context["result"]
    assert result.has_validation_errors()
    errors = {row.number: row.error_dict for row in result.invalid_rows}
    assert "check digit" in str(errors[2]["iin"])
    assert "Unknown region KATO code 123456789" in str(errors[3])
    assert "already in row 1" in str(errors[4]["iin"])
    assert not Person.objects.exists()


def test_confirmed_import_creates_and_history_names_the_user(client, hq_operator):
    resource = PersonResource(user=hq_operator)
    import tablib

    dataset = tablib.Dataset().load(HEADER + GOOD, format="csv")
    result = resource.import_data(dataset, dry_run=False, user=hq_operator)
    assert not result.has_errors() and not result.has_validation_errors()
    person = Person.objects.get(iin="871008401427")
    assert str(person.birth_date) == "1987-10-08"
    assert person.history.first().history_user == hq_operator
    again = resource.import_data(dataset, dry_run=False, user=hq_operator)
    assert again.totals["skip"] == 1
    assert Person.objects.count() == 1


def test_xlsx_with_numeric_cells_is_read(client, hq_operator):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["iin", "last_name", "first_name", "middle_name", "region"])
    sheet.append(["871008401427", "Ахметова", "Айгерим", "", 750000000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(hq_operator)
    response = upload(client, buffer.getvalue(), name="persons.xlsx", fmt="1")
    assert response.context["result"].totals["new"] == 1, response.context["result"].invalid_rows


@pytest.mark.parametrize(
    ("content", "name", "fmt"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00binary", "virus.xlsx", "1"),
        ("\u0000\u0001garbage", "persons.csv", "0"),
        ("name;surname\nx;y\n", "persons.csv", "0"),
        ("iin,last_name\n".encode("utf-16"), "persons.csv", "0"),
    ],
    ids=["exe-renamed-xlsx", "binary-csv", "wrong-columns", "wrong-encoding"],
)
def test_malformed_files_get_a_readable_error_not_a_500(client, hq_operator, content, name, fmt):
    client.force_login(hq_operator)
    response = upload(client, content, name=name, fmt=fmt)
    assert response.status_code == 200
    page = response.content.decode()
    form_errors = response.context["form"].errors if response.context.get("form") else {}
    result = response.context.get("result")
    assert form_errors or (result is not None and (result.has_errors()
                                                   or result.has_validation_errors())), page[:500]
    assert not Person.objects.exists()


def test_regional_operator_cannot_import_into_another_region(astana_operator):
    import tablib

    dataset = tablib.Dataset().load(HEADER + GOOD, format="csv")
    result = PersonResource(user=astana_operator).import_data(
        dataset, dry_run=False, user=astana_operator
    )
    assert result.has_validation_errors()
    assert "own region" in str(result.invalid_rows[0].error_dict)
    assert not Person.objects.exists()


def test_regional_operator_cannot_overwrite_another_regions_person(astana_operator):
    import tablib

    existing = PersonFactory(region=region("750000000"))
    row = f"{existing.iin},Другая,Фамилия,,710000000\n"
    dataset = tablib.Dataset().load(HEADER + row, format="csv")
    result = PersonResource(user=astana_operator).import_data(
        dataset, dry_run=False, user=astana_operator
    )
    assert result.has_validation_errors() or result.has_errors()
    existing.refresh_from_db()
    assert existing.region.kato == "750000000"
