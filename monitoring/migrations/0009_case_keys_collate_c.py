"""The case number and the patient's ИИН compared byte by byte; the services of the cases
the import inserts in the same statement are not checked again (issue 20, item 8).

* ``case_number`` and ``iin`` of ``monitoring_case`` get the collation "C" (PostgreSQL):
  they are codes (digits, Latin letters, dashes), compared for equality and sorted only
  for display, where byte order is the order of such codes. Each of their B-tree indexes
  (the unique (provider, case number) key, ``case_iin_idx``) then compares with
  ``memcmp`` instead of ``strcoll`` (the databases here are created with C.UTF-8, which
  PostgreSQL 15 does not recognise as "C"): inserting 264 361 cases into a table holding
  the unique key alone took 0.54 s more than with the primary key only under the
  database's collation, 0.28 s under "C"; the ИИН index 0.63 s → 0.44 s. Sorting by them
  (the import's repeat check) can use abbreviated keys. Raw SQL comparing them with a
  text of the default collation names the collation (``monitoring_sql.MON_CC``, the
  importer's checked rows are "C" already).
* The statement-level check of the services' cases (migration 0007) returns at once when
  the import posts them: the importer sets ``monitoring.services_of_new_cases`` for the
  statement that inserts the cases and, from their ``RETURNING`` ids, their services (so
  every case referred to was inserted by that statement), and resets it right after; the
  flag counts only while the case import lock is held. Otherwise the check is as before.

* ``case_iin_idx`` becomes a hash index on the ИИН alone (PostgreSQL): its readers look a
  patient up by equality (the statement of care, the control's readmission and
  same-stay probes) and sort the patient's few cases after; a
  B-tree on (ИИН, service date) took each new case's random key down three levels (the
  dearest of the table's indexes: +0.65 s for 264 361 cases above the primary key alone,
  the hash index +0.33 s). Django does not declare it (the model's state drops the
  B-tree; as the reference triggers, it is the database's own); on SQLite it is a B-tree
  on the ИИН.

On SQLite nothing else changes (no collation "C", no triggers; the import is PostgreSQL-only).
"""

from django.db import migrations

CASE_IMPORT_LOCK = 0x05C0_CA5E  # osms.core.locks LOCKS["case_import"], as in migration 0007

COLLATE = """
ALTER TABLE monitoring_case ALTER COLUMN case_number TYPE varchar(40) COLLATE "C",
                            ALTER COLUMN iin TYPE varchar(12) COLLATE "C"
"""
UNCOLLATE = """
ALTER TABLE monitoring_case ALTER COLUMN case_number TYPE varchar(40) COLLATE "default",
                            ALTER COLUMN iin TYPE varchar(12) COLLATE "default"
"""

SERVICES = """
CREATE OR REPLACE FUNCTION monitoring_caseservice_references() RETURNS trigger AS $$
DECLARE
    example bigint;
    importing boolean;
BEGIN
    importing := EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
                           AND pid = pg_backend_pid() AND classid = 0
                           AND objid = {import_lock} AND objsubid = 1);
    IF importing THEN
        {skip}
        SELECT d.case_id INTO example FROM (SELECT DISTINCT case_id FROM added) d
         WHERE NOT EXISTS (SELECT 1 FROM monitoring_case c WHERE c.id = d.case_id) LIMIT 1;
    ELSE
        WITH referred AS MATERIALIZED (SELECT DISTINCT case_id AS id FROM added),
        locked AS (SELECT c.id FROM monitoring_case c JOIN referred r ON r.id = c.id
                   FOR KEY SHARE OF c)
        SELECT r.id INTO example FROM referred r
         WHERE r.id NOT IN (SELECT id FROM locked) LIMIT 1;
    END IF;
    IF example IS NOT NULL THEN
        RAISE EXCEPTION 'insert into monitoring_caseservice: case % does not exist', example
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
# the services of the cases inserted by the same statement (the importer's POST_CASES)
SKIP = """IF current_setting('monitoring.services_of_new_cases', true) = 'on' THEN
            RETURN NULL;
        END IF;"""


HASH_IIN = """
DROP INDEX IF EXISTS case_iin_idx;
CREATE INDEX case_iin_idx ON monitoring_case USING hash (iin)
"""
BTREE_IIN = """
DROP INDEX IF EXISTS case_iin_idx;
CREATE INDEX case_iin_idx ON monitoring_case (iin, service_date)
"""


def iin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, HASH_IIN)
    else:
        schema_editor.execute("DROP INDEX IF EXISTS case_iin_idx")
        schema_editor.execute("CREATE INDEX case_iin_idx ON monitoring_case (iin)")


def iin_index_back(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, BTREE_IIN)
    else:
        schema_editor.execute("DROP INDEX IF EXISTS case_iin_idx")
        schema_editor.execute(
            "CREATE INDEX case_iin_idx ON monitoring_case (iin, service_date)")


def _run(schema_editor, sql):
    # A plain cursor: no parameters, so the "%" of RAISE messages is not a placeholder.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _run(schema_editor, COLLATE)
    _run(schema_editor, SERVICES.replace("{import_lock}", str(CASE_IMPORT_LOCK))
         .replace("{skip}", SKIP))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _run(schema_editor, UNCOLLATE)
    _run(schema_editor, SERVICES.replace("{import_lock}", str(CASE_IMPORT_LOCK))
         .replace("{skip}", ""))


class Migration(migrations.Migration):

    dependencies = [
        ("monitoring", "0008_case_decision"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveIndex(model_name="case", name="case_iin_idx")],
            database_operations=[migrations.RunPython(iin_index, iin_index_back)],
        ),
        migrations.RunPython(forwards, backwards),
    ]
