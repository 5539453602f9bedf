"""Cases' and their services' references as statement-level triggers (as payers 0007).

PostgreSQL checks a foreign key row by row, and Django makes them DEFERRABLE INITIALLY
DEFERRED: an import of a month of a million cases and five million services queued
about nine million checks (provider, region, care type, contract item; each service's
case) that all ran in its COMMIT, over two minutes (bench/README.md). Here one AFTER
INSERT … FOR EACH STATEMENT trigger per table checks the whole statement's rows with a
few set-based queries over its transition table, when the statement ends.

Rows referred to must not disappear before the cases commit. Providers, regions, care
types and contract items are few: they are locked FOR KEY SHARE, as a foreign key does.
Cases are many (a service check would lock a million of them): a writer holding the
case import lock (osms.core.locks "case_import") needs no row locks, since deleting
cases takes that lock first and so waits for the import to commit; other writers lock
the cases FOR KEY SHARE. The other direction: a provider, region, care type, contract
item with cases, or a case with services, cannot be deleted (statement triggers on
their tables; the ORM's PROTECT and CASCADE act before that), and their ids never change.
A change of a reference by UPDATE (rare; the control never does it) is checked row by
row. On SQLite the fields carry no constraint, as the ledger's (the import is
PostgreSQL-only).
"""

import django.db.models.deletion
from django.db import migrations, models


CREATE = """
CREATE OR REPLACE FUNCTION monitoring_case_references() RETURNS trigger AS $$
DECLARE
    what text;
    example bigint;
BEGIN
    -- one pass over the statement's rows (the few distinct combinations of references),
    -- then each referenced table's rows locked as a foreign key would
    WITH combos AS MATERIALIZED (
        SELECT DISTINCT provider_id, region_id, care_type_id, contract_item_id FROM added
    ),
    providers AS MATERIALIZED (SELECT DISTINCT provider_id AS id FROM combos),
    regions AS MATERIALIZED (SELECT DISTINCT region_id AS id FROM combos),
    kinds AS MATERIALIZED (SELECT DISTINCT care_type_id AS id FROM combos),
    items AS MATERIALIZED (SELECT DISTINCT contract_item_id AS id FROM combos
                            WHERE contract_item_id IS NOT NULL),
    locked_providers AS (SELECT t.id FROM {provider} t JOIN providers r ON r.id = t.id
                         FOR KEY SHARE OF t),
    locked_regions AS (SELECT t.id FROM {region} t JOIN regions r ON r.id = t.id
                       FOR KEY SHARE OF t),
    locked_kinds AS (SELECT t.id FROM {care_type} t JOIN kinds r ON r.id = t.id
                     FOR KEY SHARE OF t),
    locked_items AS (SELECT t.id FROM {contract_item} t JOIN items r ON r.id = t.id
                     FOR KEY SHARE OF t)
    SELECT m.what, m.id INTO what, example FROM (
        SELECT 'provider' AS what, id FROM providers
         WHERE id NOT IN (SELECT id FROM locked_providers)
        UNION ALL
        SELECT 'region', id FROM regions WHERE id NOT IN (SELECT id FROM locked_regions)
        UNION ALL
        SELECT 'care type', id FROM kinds WHERE id NOT IN (SELECT id FROM locked_kinds)
        UNION ALL
        SELECT 'contract item', id FROM items WHERE id NOT IN (SELECT id FROM locked_items)
    ) m LIMIT 1;
    IF example IS NOT NULL THEN
        RAISE EXCEPTION 'insert into monitoring_case: % % does not exist', what, example
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER monitoring_case_references
    AFTER INSERT ON monitoring_case REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_case_references();

-- A reference changed by UPDATE: row by row (a statement trigger with a transition table
-- cannot name columns, and would copy every row of the control's monthly rewrite).
CREATE OR REPLACE FUNCTION monitoring_case_references_changed() RETURNS trigger AS $$
BEGIN
    PERFORM 1 FROM {provider} t WHERE t.id = NEW.provider_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'update of monitoring_case: provider % does not exist',
            NEW.provider_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    PERFORM 1 FROM {region} t WHERE t.id = NEW.region_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'update of monitoring_case: region % does not exist',
            NEW.region_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    PERFORM 1 FROM {care_type} t WHERE t.id = NEW.care_type_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'update of monitoring_case: care type % does not exist',
            NEW.care_type_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF NEW.contract_item_id IS NOT NULL THEN
        PERFORM 1 FROM {contract_item} t WHERE t.id = NEW.contract_item_id FOR KEY SHARE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'update of monitoring_case: contract item % does not exist',
                NEW.contract_item_id USING ERRCODE = 'foreign_key_violation';
        END IF;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER monitoring_case_references_changed
    AFTER UPDATE OF provider_id, region_id, care_type_id, contract_item_id ON monitoring_case
    FOR EACH ROW WHEN (OLD.provider_id IS DISTINCT FROM NEW.provider_id
                       OR OLD.region_id IS DISTINCT FROM NEW.region_id
                       OR OLD.care_type_id IS DISTINCT FROM NEW.care_type_id
                       OR OLD.contract_item_id IS DISTINCT FROM NEW.contract_item_id)
    EXECUTE FUNCTION monitoring_case_references_changed();

-- Services: the case import (holding its lock) needs no row locks on the cases it refers
-- to (a deletion of cases waits for that lock, below); other writers lock them.
CREATE OR REPLACE FUNCTION monitoring_caseservice_references() RETURNS trigger AS $$
DECLARE
    example bigint;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
                 AND pid = pg_backend_pid() AND classid = 0 AND objid = {import_lock}
                 AND objsubid = 1) THEN
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

CREATE TRIGGER monitoring_caseservice_references
    AFTER INSERT ON monitoring_caseservice REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_caseservice_references();

CREATE OR REPLACE FUNCTION monitoring_caseservice_case_changed() RETURNS trigger AS $$
BEGIN
    PERFORM 1 FROM monitoring_case c WHERE c.id = NEW.case_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'update of monitoring_caseservice: case % does not exist',
            NEW.case_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER monitoring_caseservice_case_changed
    AFTER UPDATE OF case_id ON monitoring_caseservice
    FOR EACH ROW WHEN (OLD.case_id IS DISTINCT FROM NEW.case_id)
    EXECUTE FUNCTION monitoring_caseservice_case_changed();

-- TG_ARGV[0]: the referring table, [1]: its column, [2]: true to wait for case imports in
-- flight first (their services lock no cases).
CREATE OR REPLACE FUNCTION monitoring_referenced_delete() RETURNS trigger AS $$
DECLARE
    example bigint;
BEGIN
    IF TG_ARGV[2]::boolean THEN
        PERFORM pg_advisory_xact_lock({import_lock});
    END IF;
    EXECUTE format('SELECT g.id FROM gone g WHERE EXISTS '
                   '(SELECT 1 FROM %I x WHERE x.%I = g.id) LIMIT 1', TG_ARGV[0], TG_ARGV[1])
       INTO example;
    IF example IS NOT NULL THEN
        RAISE EXCEPTION 'delete from %: row % is referred to by %.%',
            TG_TABLE_NAME, example, TG_ARGV[0], TG_ARGV[1]
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION monitoring_refuse_id_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the id of % rows never changes (%)', TG_TABLE_NAME, TG_ARGV[0]
        USING ERRCODE = 'foreign_key_violation';
END;
$$ LANGUAGE plpgsql;
"""

# (referenced table's key in TABLES, the referring table, its column, wait for imports)
REFERENCED = (
    ("provider", "monitoring_case", "provider_id", False),
    ("region", "monitoring_case", "region_id", False),
    ("care_type", "monitoring_case", "care_type_id", False),
    ("contract_item", "monitoring_case", "contract_item_id", False),
    ("case", "monitoring_caseservice", "case_id", True),
)

PROTECT = """
CREATE TRIGGER {trigger}_delete
    AFTER DELETE ON {table} REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_referenced_delete('{referrer}', '{column}',
                                                                      '{wait}');
CREATE TRIGGER {trigger}_id_fixed
    BEFORE UPDATE OF id ON {table} FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION monitoring_refuse_id_change('{referrer}.{column}');
"""

UNPROTECT = """
DROP TRIGGER IF EXISTS {trigger}_delete ON {table};
DROP TRIGGER IF EXISTS {trigger}_id_fixed ON {table};
"""

DROP = """
DROP TRIGGER IF EXISTS monitoring_case_references ON monitoring_case;
DROP TRIGGER IF EXISTS monitoring_case_references_changed ON monitoring_case;
DROP TRIGGER IF EXISTS monitoring_caseservice_references ON monitoring_caseservice;
DROP TRIGGER IF EXISTS monitoring_caseservice_case_changed ON monitoring_caseservice;
DROP FUNCTION IF EXISTS monitoring_case_references();
DROP FUNCTION IF EXISTS monitoring_case_references_changed();
DROP FUNCTION IF EXISTS monitoring_caseservice_references();
DROP FUNCTION IF EXISTS monitoring_caseservice_case_changed();
"""

DROP_SHARED = """
DROP FUNCTION IF EXISTS monitoring_referenced_delete();
DROP FUNCTION IF EXISTS monitoring_refuse_id_change();
"""

CASE_IMPORT_LOCK = 0x05C0_CA5E  # osms.core.locks LOCKS["case_import"] when this was written


def _tables(apps):
    case = apps.get_model("monitoring", "Case")
    tables = {name: case._meta.get_field(name).related_model._meta.db_table
              for name in ("provider", "region", "care_type", "contract_item")}
    tables["case"] = case._meta.db_table
    return tables


def _run(schema_editor, sql):
    # A plain cursor: no parameters, so the "%" of RAISE messages is not a placeholder.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    tables = _tables(apps)
    _run(schema_editor, CREATE.format(import_lock=CASE_IMPORT_LOCK, **tables))
    for key, referrer, column, wait in REFERENCED:
        _run(schema_editor, PROTECT.format(
            trigger=f"{referrer}_{column}", table=tables[key], referrer=referrer,
            column=column, wait="true" if wait else "false"))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    tables = _tables(apps)
    for key, referrer, column, _wait in REFERENCED:
        _run(schema_editor, UNPROTECT.format(trigger=f"{referrer}_{column}",
                                             table=tables[key]))
    _run(schema_editor, DROP + DROP_SHARED)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_operations_access_log_and_job_runs'),
        ('monitoring', '0006_case_fillfactor_45'),
        ('packages', '0008_tariff_import_runs'),
        ('purchasing', '0004_campaign_unit_choices'),
    ]

    operations = [
        migrations.AlterField(
            model_name='case',
            name='care_type',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='packages.caretype', verbose_name='type of care'),
        ),
        migrations.AlterField(
            model_name='case',
            name='contract_item',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='purchasing.contractitem', verbose_name='contract item'),
        ),
        migrations.AlterField(
            model_name='case',
            name='provider',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='purchasing.provider', verbose_name='provider'),
        ),
        migrations.AlterField(
            model_name='case',
            name='region',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.region', verbose_name='region'),
        ),
        migrations.AlterField(
            model_name='caseservice',
            name='case',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='services', to='monitoring.case', verbose_name='case'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
