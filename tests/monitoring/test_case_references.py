"""Cases' and services' references hold on PostgreSQL without per-row foreign keys
(migration 0007): statement-level triggers check every inserted case's provider, region,
care type and contract item and every service's case; referenced rows with cases (a case
with services) cannot be deleted, and their ids never change."""

import pytest
from django.db import IntegrityError, connection, transaction

from monitoring.models import Case, CaseService
from monitoring.synthetic import build_world
from tests.monitoring.month import last_month
from tests.monitoring.test_import import _load, _row

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]

COPY = """
INSERT INTO monitoring_case (provider_id, region_id, case_number, contract_item_id,
    care_type_id, is_inpatient, form, iin, icd10, icd10_secondary, kzg_code, bed_profile,
    service_date, period, tariff, amount_claimed, submitted_on)
SELECT {provider}, {region}, c.case_number || '-' || n, {item}, {care_type}, is_inpatient,
    form, iin, icd10, icd10_secondary, kzg_code, bed_profile, service_date, period, tariff,
    amount_claimed, submitted_on
FROM monitoring_case c CROSS JOIN generate_series(1, 3) n WHERE c.id = %s
"""


def copy_case(case, **refs):
    columns = {"provider": "c.provider_id", "region": "c.region_id",
               "care_type": "c.care_type_id", "item": "c.contract_item_id"}
    sql = COPY.format(**(columns | refs))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [case.pk])
        return cursor.rowcount


def execute(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@pytest.fixture
def case(tmp_path):
    world = build_world(persons=60, month=last_month(), seed=3)
    run = _load(tmp_path, [_row(world, "R1")])
    assert (run.status, run.cases_new) == ("done", 1), run.error
    return Case.objects.get(case_number="R1")


def test_the_import_loads_cases_and_services_through_the_checks(case):
    assert case.contract_item_id is not None
    assert CaseService.objects.filter(case=case).count() == 1
    assert copy_case(case) == 3  # existing references pass


@pytest.mark.parametrize("ref, what", [("provider", "provider"), ("region", "region"),
                                       ("care_type", "care type"), ("item", "contract item")])
def test_a_case_with_a_reference_that_does_not_exist_is_refused(case, ref, what):
    with pytest.raises(IntegrityError, match=f"insert into monitoring_case: {what} "
                                             "1000000000 does not exist"):
        copy_case(case, **{ref: "1000000000"})
    assert Case.objects.count() == 1
    with pytest.raises(IntegrityError, match=f"update of monitoring_case: {what} "):
        column = {"item": "contract_item"}.get(ref, ref)
        execute(f"UPDATE monitoring_case SET {column}_id = 1000000000 WHERE id = %s", [case.pk])


def test_a_service_of_a_case_that_does_not_exist_is_refused(case):
    with pytest.raises(IntegrityError, match="monitoring_caseservice: case 1000000000 does not"):
        execute("INSERT INTO monitoring_caseservice (case_id, code, quantity) "
                "VALUES (%s, 'MS01', 1), (1000000000, 'MS01', 1)", [case.pk])
    with pytest.raises(IntegrityError, match="update of monitoring_caseservice: case"):
        execute("UPDATE monitoring_caseservice SET case_id = 1000000000 WHERE case_id = %s",
                [case.pk])
    assert execute("INSERT INTO monitoring_caseservice (case_id, code, quantity) "
                   "VALUES (%s, 'MS02', 1)", [case.pk]) == 1


def test_the_import_flag_skips_the_services_check_only_for_its_statement(case):
    """The importer's services of the cases it just inserted are not checked again
    (migration 0009): it sets the flag for that statement only. Here the test's transaction
    still holds the case import lock of the fixture's import: without the flag a service of
    a missing case is refused as ever (the importer reset it); with it, the check is skipped
    (which only the importer's statement, whose services come from its RETURNING, does)."""
    bad = ("INSERT INTO monitoring_caseservice (case_id, code, quantity) "
           "VALUES (1000000000, 'MS01', 1)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('monitoring.services_of_new_cases', true)")
        assert cursor.fetchone()[0] in (None, "")
    with pytest.raises(IntegrityError, match="case 1000000000 does not exist"):
        execute(bad)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('monitoring.services_of_new_cases', 'on', true)")
        cursor.execute(bad)
        transaction.set_rollback(True)


def test_case_number_and_iin_compare_bytewise_and_the_iin_has_a_hash_index(case):
    with connection.cursor() as cursor:
        cursor.execute("SELECT attname, collname FROM pg_attribute a "
                       "JOIN pg_collation c ON c.oid = a.attcollation "
                       "WHERE attrelid = 'monitoring_case'::regclass "
                       "AND attname IN ('case_number', 'iin') ORDER BY attname")
        assert cursor.fetchall() == [("case_number", "C"), ("iin", "C")]
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'case_iin_idx'")
        assert "USING hash (iin)" in cursor.fetchone()[0]
    assert Case.objects.filter(iin=case.iin).get() == case


def test_referenced_rows_cannot_be_deleted_nor_their_ids_changed(case):
    def table_of(field):
        return Case._meta.get_field(field).related_model._meta.db_table

    for table, pk, referrer in [
            (table_of("provider"), case.provider_id, "monitoring_case.provider_id"),
            (table_of("region"), case.region_id, "monitoring_case.region_id"),
            (table_of("care_type"), case.care_type_id, "monitoring_case.care_type_id"),
            (table_of("contract_item"), case.contract_item_id, "monitoring_case.contract_item_id"),
            ("monitoring_case", case.pk, "monitoring_caseservice.case_id")]:
        with pytest.raises(IntegrityError, match=f"delete from {table}: row {pk} is referred "
                                                 f"to by {referrer}"):
            execute(f"DELETE FROM {table} WHERE id = %s", [pk])
        with pytest.raises(IntegrityError, match="never changes"):
            execute(f"UPDATE {table} SET id = id + 100000 WHERE id = %s", [pk])
    case.delete()  # the ORM deletes the services first (CASCADE), then the case
    assert not CaseService.objects.exists()
