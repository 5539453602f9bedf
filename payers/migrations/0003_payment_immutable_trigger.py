"""On PostgreSQL the ledger refuses UPDATE and DELETE: corrections are reversing entries."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION payers_payment_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'payers_payment is an immutable ledger: post a reversing entry instead'
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER payers_payment_immutable
    BEFORE UPDATE OR DELETE ON payers_payment
    FOR EACH ROW EXECUTE FUNCTION payers_payment_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS payers_payment_immutable ON payers_payment;
DROP FUNCTION IF EXISTS payers_payment_immutable();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("payers", "0002_ledger_rates_refunds")]

    operations = [migrations.RunPython(forwards, backwards)]
