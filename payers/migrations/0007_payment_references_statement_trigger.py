"""The ledger's references as one statement-level trigger; the source-row key person-first.

PostgreSQL checks a foreign key row by row: posting a file of 10 million payments
queues 30 million deferred checks (person, posted by, reverses), about a third of the
import's time (bench/README.md). Here one AFTER INSERT … FOR EACH STATEMENT trigger
checks the whole statement's rows with a few joins over its transition table. Rows
referred to must not disappear before the payments commit: writers holding the ledger
write lock are covered by deletions waiting for that lock; others lock the rows
FOR KEY SHARE, as a foreign key does. The other direction: a person or a user with
payments cannot be deleted (statement triggers on their tables), and ids never change. Payments themselves are never deleted
(migration 0003), so a reversing entry's reference stays valid.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


CREATE = """
-- Writers that hold the ledger write lock (payers.ledger.LEDGER_WRITE_LOCK, shared) need no
-- row locks: deleting a person or a user takes that lock exclusively first (below), so it
-- waits for them to commit and then sees their payments. Other writers lock the rows
-- referred to FOR KEY SHARE, as a foreign key would.
CREATE OR REPLACE FUNCTION payers_payment_references() RETURNS trigger AS $$
DECLARE
    protocol boolean;
    example bigint;
BEGIN
    SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
                     AND pid = pg_backend_pid() AND classid = 0 AND objid = {ledger_lock}
                     AND objsubid = 1)
      INTO protocol;
    IF protocol THEN
        SELECT d.person_id INTO example FROM (SELECT DISTINCT person_id FROM posted) d
         WHERE NOT EXISTS (SELECT 1 FROM payers_person p WHERE p.id = d.person_id) LIMIT 1;
    ELSE
        WITH referred AS MATERIALIZED (SELECT DISTINCT person_id AS id FROM posted),
        locked AS (
            SELECT p.id FROM payers_person p JOIN referred r ON r.id = p.id
            FOR KEY SHARE OF p
        )
        SELECT r.id INTO example FROM referred r
         WHERE r.id NOT IN (SELECT id FROM locked) LIMIT 1;
    END IF;
    IF example IS NOT NULL THEN
        RAISE EXCEPTION 'insert into payers_payment: person % does not exist', example
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM posted
                    WHERE posted_by_id IS NOT NULL OR reverses_id IS NOT NULL) THEN
        RETURN NULL;  -- what imports post: nothing more to check
    END IF;
    IF protocol THEN
        SELECT d.id INTO example
          FROM (SELECT DISTINCT posted_by_id AS id FROM posted
                 WHERE posted_by_id IS NOT NULL) d
         WHERE NOT EXISTS (SELECT 1 FROM {user_table} u WHERE u.id = d.id) LIMIT 1;
    ELSE
        WITH referred AS MATERIALIZED (
            SELECT DISTINCT posted_by_id AS id FROM posted WHERE posted_by_id IS NOT NULL
        ),
        locked AS (
            SELECT u.id FROM {user_table} u JOIN referred r ON r.id = u.id
            FOR KEY SHARE OF u
        )
        SELECT r.id INTO example FROM referred r
         WHERE r.id NOT IN (SELECT id FROM locked) LIMIT 1;
    END IF;
    IF example IS NOT NULL THEN
        RAISE EXCEPTION 'insert into payers_payment: user % does not exist', example
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM posted n WHERE n.reverses_id IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM payers_payment x WHERE x.id = n.reverses_id))
    THEN
        RAISE EXCEPTION 'insert into payers_payment: a reversed payment does not exist'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER payers_payment_references
    AFTER INSERT ON payers_payment REFERENCING NEW TABLE AS posted
    FOR EACH STATEMENT EXECUTE FUNCTION payers_payment_references();

-- TG_ARGV[0]: the payments column that refers to the table the rows were deleted from.
CREATE OR REPLACE FUNCTION payers_payment_referenced_delete() RETURNS trigger AS $$
DECLARE
    example bigint;
BEGIN
    PERFORM pg_advisory_xact_lock({ledger_lock});  -- wait for ledger writes in flight
    EXECUTE format('SELECT g.id FROM gone g WHERE EXISTS '
                   '(SELECT 1 FROM payers_payment x WHERE x.%I = g.id) LIMIT 1', TG_ARGV[0])
       INTO example;
    IF example IS NOT NULL THEN
        RAISE EXCEPTION 'delete from %: row % is referred to by payments (%)',
            TG_TABLE_NAME, example, TG_ARGV[0] USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION payers_refuse_id_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the id of % rows never changes (payments refer to it)', TG_TABLE_NAME
        USING ERRCODE = 'foreign_key_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER payers_person_payments_delete
    AFTER DELETE ON payers_person REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION payers_payment_referenced_delete('person_id');
CREATE TRIGGER payers_person_id_fixed
    BEFORE UPDATE OF id ON payers_person FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION payers_refuse_id_change();
CREATE TRIGGER payers_user_payments_delete
    AFTER DELETE ON {user_table} REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION payers_payment_referenced_delete('posted_by_id');
CREATE TRIGGER payers_user_id_fixed
    BEFORE UPDATE OF id ON {user_table} FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION payers_refuse_id_change();
"""

DROP = """
DROP TRIGGER IF EXISTS payers_payment_references ON payers_payment;
DROP TRIGGER IF EXISTS payers_person_payments_delete ON payers_person;
DROP TRIGGER IF EXISTS payers_person_id_fixed ON payers_person;
DROP TRIGGER IF EXISTS payers_user_payments_delete ON {user_table};
DROP TRIGGER IF EXISTS payers_user_id_fixed ON {user_table};
DROP FUNCTION IF EXISTS payers_payment_references();
DROP FUNCTION IF EXISTS payers_payment_referenced_delete();
DROP FUNCTION IF EXISTS payers_refuse_id_change();
"""


def _user_table(apps):
    app_label, model_name = settings.AUTH_USER_MODEL.split(".")
    return apps.get_model(app_label, model_name)._meta.db_table


def _run(schema_editor, sql):
    # A plain cursor: no parameters, so the "%" of RAISE messages is not a placeholder.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)


LEDGER_WRITE_LOCK = 0x05C0_1ED6  # payers.ledger.LEDGER_WRITE_LOCK when this was written


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, CREATE.format(user_table=_user_table(apps),
                                          ledger_lock=LEDGER_WRITE_LOCK))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, DROP.format(user_table=_user_table(apps)))


class Migration(migrations.Migration):

    dependencies = [
        ('payers', '0006_source_key_period_first'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='payment',
            name='payment_source_row_unique',
        ),
        migrations.AlterField(
            model_name='payment',
            name='person',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='payers.person', verbose_name='person'),
        ),
        migrations.AlterField(
            model_name='payment',
            name='posted_by',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='posted by'),
        ),
        migrations.AlterField(
            model_name='payment',
            name='reverses',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversals', to='payers.payment', verbose_name='reverses'),
        ),
        migrations.AddConstraint(
            model_name='payment',
            constraint=models.UniqueConstraint(fields=('period', 'person', 'knp', 'payer_code', 'document_no'), name='payment_source_row_unique'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
