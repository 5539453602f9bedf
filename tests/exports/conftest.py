"""Exports write into a temporary MEDIA_ROOT; helpers to read the files back."""

import csv
import io

import openpyxl
import pytest


@pytest.fixture(autouse=True)
def export_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EXPORTS_SYNC_MAX_ROWS = 5000
    settings.EXPORTS_XLSX_MAX_ROWS_PER_SHEET = 1_048_576
    settings.EXPORTS_PROGRESS_EVERY = 20000
    settings.CELERY_TASK_ALWAYS_EAGER = True
    return tmp_path / "media"


@pytest.fixture
def finished_job(analyst, almaty):
    """The analyst's finished export of the persons list (one Almaty person)."""
    from django.test import Client

    from osms.exports.models import ExportJob
    from tests.factories import PersonFactory

    PersonFactory(region=almaty)
    client = Client()
    client.force_login(analyst)
    client.post("/admin/payers/person/background-export/", {"file_format": "xlsx"})
    return ExportJob.objects.get(user=analyst)


def read_xlsx(path_or_bytes):
    """{sheet title: [row tuples]} with openpyxl's typed values."""
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    workbook = openpyxl.load_workbook(source, read_only=True)
    sheets = {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}
    workbook.close()
    return sheets


def read_xlsx_cells(path):
    """The first sheet's cells (value and number format), for type checks."""
    workbook = openpyxl.load_workbook(path)
    return [[(c.value, c.number_format, c.data_type) for c in row] for row in workbook.active.iter_rows()]


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def response_bytes(response):
    return b"".join(response.streaming_content)
