"""Case files: per-row rejects naming line and field, idempotent re-load, nothing of a
broken file."""

import pytest

from monitoring.importer.readers import COLUMNS
from monitoring.importer.service import case_import, case_import_run_create
from monitoring.models import Case, CaseImportRun, CaseService
from monitoring.synthetic_month import write_csv
from tests.monitoring.month import last_month

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]


@pytest.fixture
def small_world():
    from monitoring.synthetic import build_world

    return build_world(persons=60, month=last_month(), seed=3)


def _row(world, number, **values):
    base = dict(provider_bin=world.providers[0][1], case_number=number,
                care_type="consultative_diagnostic", form="planned", iin=world.insured[0][0],
                icd10="I10", service_date=world.month.replace(day=5).isoformat(),
                services="MS01*2", tariff="3750", amount_claimed="7500.00")
    base.update(values)
    return [str(base.get(c, "")) for c in COLUMNS]


def _load(tmp_path, rows, name="cases.csv", **kwargs):
    path = tmp_path / name
    write_csv(rows, path)
    run = case_import_run_create(file_name=name, source="command", **kwargs)
    return case_import(run=run, path=str(path))


@pytest.mark.parametrize("chunk_rows", [100_000, 2, 3])
def test_rejects_name_line_and_field_and_reload_is_a_no_op(tmp_path, small_world, settings,
                                                           chunk_rows):
    # in chunks of 2 or 3 lines: a repeat of a case number in a later chunk is a reject too
    settings.MONITORING_IMPORT_CHUNK_ROWS = chunk_rows
    settings.MONITORING_IMPORT_BLOCK_BYTES = 64
    w = small_world
    rows = [_row(w, "A1"), _row(w, "A2", iin="12345"), _row(w, "A3", service_date="2026-02-30"),
            _row(w, "A4", care_type="nope"), _row(w, "A1"), _row(w, "A5", services="MS01x2"),
            _row(w, "A6", provider_bin="999999999999"), _row(w, "A7", amount_claimed="1e5")]
    run = _load(tmp_path, rows)
    assert run.status == "done", run.error
    assert (run.rows_total, run.cases_new, run.rows_rejected) == (8, 1, 7)
    rejects = {(r.row_number, r.field) for r in run.rejects.all()}
    assert rejects == {(3, "iin"), (4, "service_date"), (5, "care_type"), (6, "case_number"),
                       (7, "services"), (8, "provider_bin"), (9, "amount_claimed")}
    case = Case.objects.get(case_number="A1")
    assert case.period == w.month and case.person_id is not None
    assert list(CaseService.objects.filter(case=case).values_list("code", "quantity")) == [
        ("MS01", 2)]
    again = _load(tmp_path, rows, name="again.csv")
    assert (again.cases_new, again.cases_repeated) == (0, 1)
    assert Case.objects.count() == 1


@pytest.mark.parametrize("chunk_rows", [100_000, 1])
def test_broken_file_loads_nothing(tmp_path, small_world, settings, chunk_rows):
    settings.MONITORING_IMPORT_CHUNK_ROWS = chunk_rows
    settings.MONITORING_IMPORT_BLOCK_BYTES = 64
    path = tmp_path / "broken.csv"
    write_csv([_row(small_world, "B1"), _row(small_world, "B2")], path)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('x,"unclosed\n')
    run = case_import(run=case_import_run_create(file_name="broken.csv", source="command"),
                      path=str(path))
    assert run.status == "failed"
    assert "Line" in run.error or "line" in run.error
    assert Case.objects.count() == 0


def test_a_quoted_line_break_stays_in_its_chunk_and_lines_are_counted(tmp_path, small_world,
                                                                      settings):
    settings.MONITORING_IMPORT_CHUNK_ROWS = 1
    settings.MONITORING_IMPORT_BLOCK_BYTES = 64
    w = small_world
    rows = [_row(w, "Q1", icd10_secondary="I11\nI12"), _row(w, "Q2"), _row(w, "Q3", iin="1")]
    run = _load(tmp_path, rows)
    assert (run.status, run.cases_new, run.rows_rejected) == ("done", 2, 1), run.error
    assert Case.objects.get(case_number="Q1").icd10_secondary == "I11\nI12"
    assert [(r.row_number, r.field) for r in run.rejects.all()] == [(4, "iin")]
    broken = tmp_path / "broken.csv"
    write_csv(rows, broken)
    with open(broken, "a", encoding="utf-8") as handle:
        handle.write("a,b\n")
    failed = case_import(run=case_import_run_create(file_name="broken.csv", source="command"),
                         path=str(broken))
    assert failed.status == "failed" and "Line 6" in failed.error, failed.error


def test_provider_run_refuses_other_providers_rows(tmp_path, small_world):
    from purchasing.models import Provider

    w = small_world
    own = Provider.objects.get(pk=w.providers[0][0])
    rows = [_row(w, "C1"), _row(w, "C2", provider_bin=w.providers[1][1])]
    run = _load(tmp_path, rows, provider=own)
    assert (run.cases_new, run.rows_rejected) == (1, 1)
    assert run.rejects.get().reason == "another provider's case"


def test_admin_upload_loads_the_file_in_the_background(tmp_path, small_world, client, settings,
                                                        hq_operator,
                                                        django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    path = tmp_path / "upload.csv"
    write_csv([_row(small_world, "U1"), _row(small_world, "U2", iin="1")], path)
    client.force_login(hq_operator)
    assert client.get("/admin/monitoring/caseimportrun/upload/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True), open(path, "rb") as handle:
        answer = client.post("/admin/monitoring/caseimportrun/upload/", {"file": handle})
    assert answer.status_code == 302
    run = CaseImportRun.objects.get(source="admin")
    assert (run.status, run.cases_new, run.rows_rejected) == ("done", 1, 1)
