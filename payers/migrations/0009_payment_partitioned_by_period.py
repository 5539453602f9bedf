"""The ledger partitioned by period on PostgreSQL (``payers.partitions``, docs/scale.md).

An existing ledger is converted with its rows: the plain table is renamed, the partitioned
one created with a partition for every month it holds (found by a skip scan of the
source-row key), the months around today and a default partition; the rows are copied, the
old table dropped, then the keys (``(id, period)``, the source-row key), the indexes and the
triggers (immutability per row, the references check per statement) are made on the new
one and the id sequence continues where the old one stopped. The foreign keys pointing at
payments become deferred constraint triggers (a foreign key cannot point at the id of a
partitioned table). Everything runs in the migration's transaction: all or nothing. The
reverse makes one plain table again. SQLite keeps its plain table (only the three fields
lose their database constraint).
"""

import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    from payers.partitions import ledger_to_partitioned

    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            ledger_to_partitioned(cursor)


def backwards(apps, schema_editor):
    from payers.partitions import ledger_to_plain

    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            ledger_to_plain(cursor)


class Migration(migrations.Migration):

    dependencies = [
        ('payers', '0008_arrear_suspense_job_permissions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='refundapplication',
            name='payment',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='refunds', to='payers.payment', verbose_name='payment'),
        ),
        migrations.AlterField(
            model_name='refundapplication',
            name='refund_entry',
            field=models.OneToOneField(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='refund_application', to='payers.payment', verbose_name='refund entry'),
        ),
        migrations.AlterField(
            model_name='suspensepayment',
            name='payment',
            field=models.OneToOneField(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='from_suspense', to='payers.payment', verbose_name='posted payment'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
