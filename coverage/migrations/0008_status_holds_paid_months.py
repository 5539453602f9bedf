"""The paid-month bits move into the status rows; ``PaidMonths`` becomes a rebuild's staging.

Each person's bits are copied into their status row. A person with bits but no status
row yet (their first decision was still to come) gets a row due for a recheck at once
(``recheck_on`` in the past, not insured), so the next incremental run decides them
from the bits it carries. The staging table is then emptied.
"""

import coverage.models.fields
from django.db import migrations, models

MOVE = (
    """
    UPDATE coverage_coveragestatus s
    SET first_month = b.first_month, paid = b.paid, prepaid = b.prepaid, booked = b.booked
    FROM coverage_paidmonths b WHERE b.person_id = s.person_id
    """,
    """
    INSERT INTO coverage_coveragestatus (person_id, as_of, insured, basis, valid_until,
        category_code, last_paid_period, recheck_on, run_id, first_month, paid, prepaid, booked)
    SELECT b.person_id, CURRENT_DATE, false, '', NULL, '', NULL, DATE '1900-01-01',
           COALESCE((SELECT MAX(id) FROM coverage_recomputerun), 0),
           b.first_month, b.paid, b.prepaid, b.booked
    FROM coverage_paidmonths b
    WHERE NOT EXISTS (SELECT 1 FROM coverage_coveragestatus s WHERE s.person_id = b.person_id)
    """,
    "DELETE FROM coverage_paidmonths",
)


def move_bits(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in MOVE:
        schema_editor.execute(statement)


def restore_bits(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "INSERT INTO coverage_paidmonths (person_id, first_month, paid, prepaid, booked) "
        "SELECT person_id, first_month, paid, prepaid, booked FROM coverage_coveragestatus "
        "WHERE paid IS NOT NULL ON CONFLICT (person_id) DO NOTHING")


class Migration(migrations.Migration):

    dependencies = [
        ('coverage', '0007_storage_tuning'),
    ]

    operations = [
        migrations.AddField(
            model_name='coveragestatus',
            name='booked',
            field=coverage.models.fields.BitStringField(blank=True, editable=False, null=True, verbose_name='months with payments'),
        ),
        migrations.AddField(
            model_name='coveragestatus',
            name='first_month',
            field=models.IntegerField(blank=True, editable=False, null=True, verbose_name='month of the first bit'),
        ),
        migrations.AddField(
            model_name='coveragestatus',
            name='paid',
            field=coverage.models.fields.BitStringField(blank=True, editable=False, null=True, verbose_name='paid months'),
        ),
        migrations.AddField(
            model_name='coveragestatus',
            name='prepaid',
            field=coverage.models.fields.BitStringField(blank=True, editable=False, null=True, verbose_name='prepaid months'),
        ),
        migrations.AddField(
            model_name='recomputerun',
            name='rebuilt',
            field=models.BooleanField(default=False, help_text='The run folded the whole ledger again (the first run, or --rebuild).', verbose_name='ledger folded anew'),
        ),
        migrations.AlterField(
            model_name='paidmonths',
            name='booked',
            field=coverage.models.fields.BitStringField(blank=True, editable=False, null=True, verbose_name='months with payments'),
        ),
        migrations.AlterField(
            model_name='paidmonths',
            name='first_month',
            field=models.IntegerField(blank=True, editable=False, null=True, verbose_name='month of the first bit'),
        ),
        migrations.AlterField(
            model_name='paidmonths',
            name='paid',
            field=coverage.models.fields.BitStringField(blank=True, editable=False, null=True, verbose_name='paid months'),
        ),
        migrations.AlterField(
            model_name='paidmonths',
            name='prepaid',
            field=coverage.models.fields.BitStringField(blank=True, editable=False, null=True, verbose_name='prepaid months'),
        ),
        migrations.RunPython(move_bits, restore_bits),
    ]
