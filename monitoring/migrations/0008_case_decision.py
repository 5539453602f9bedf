"""The control's decision in a table of its own (``CaseDecision``), keyed by the case.

The control wrote its decision (outcome, funding source, amount by the tariff, risk score
and reasons, the run) onto the cases: an UPDATE of every case of the month, each a new
version of a wide row (docs/monitoring.md: 34 s of the control of 1 M cases). Now it
inserts a narrow row per case. The decisions already made are copied over; a case without
one is pending. The cases are no longer updated at all, so their pages need no free room
for new versions: fillfactor back to 100 (migrations 0003 and 0006 had made room for HOT
updates), a denser table for the import to write and the control to read.
"""

import django.db.models.deletion
from django.db import migrations, models


COPY = """
INSERT INTO monitoring_casedecision (case_id, period, outcome, funding_source,
    amount_expected, risk_score, risk_reasons, control_run_id)
SELECT id, period, outcome, funding_source, amount_expected, risk_score, risk_reasons,
       control_run_id
FROM monitoring_case WHERE outcome <> 'pending' OR control_run_id IS NOT NULL
"""
BACK = """
UPDATE monitoring_case c SET outcome = d.outcome, funding_source = d.funding_source,
    amount_expected = d.amount_expected, risk_score = d.risk_score,
    risk_reasons = d.risk_reasons, control_run_id = d.control_run_id
FROM monitoring_casedecision d WHERE d.case_id = c.id
"""


def copy(apps, schema_editor):
    schema_editor.execute(COPY)


def copy_back(apps, schema_editor):
    schema_editor.execute(BACK)


def dense(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE monitoring_case SET (fillfactor = 100)")


def roomy(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE monitoring_case SET (fillfactor = 45)")


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0007_case_references_statement_triggers'),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseDecision',
            fields=[
                ('case', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='decision', serialize=False, to='monitoring.case', verbose_name='case')),
                ('period', models.DateField(verbose_name='month')),
                ('outcome', models.CharField(choices=[('pending', 'Not controlled yet'), ('accepted', 'Accepted'), ('rejected', 'Rejected'), ('review', 'Sent to expert review')], default='pending', max_length=10, verbose_name='outcome')),
                ('funding_source', models.CharField(blank=True, max_length=10, verbose_name='funding source')),
                ('amount_expected', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='amount by the tariff')),
                ('risk_score', models.DecimalField(decimal_places=2, default=0, max_digits=8, verbose_name='risk score')),
                ('risk_reasons', models.JSONField(blank=True, default=list, verbose_name='risk reasons')),
                ('control_run', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='monitoring.controlrun', verbose_name='controlled by')),
            ],
            options={
                'verbose_name': 'control decision',
                'verbose_name_plural': 'control decisions',
                'indexes': [models.Index(fields=['period', 'outcome'], name='decision_period_idx')],
            },
        ),
        migrations.RunPython(copy, copy_back),
        migrations.RemoveField(
            model_name='case',
            name='amount_expected',
        ),
        migrations.RemoveField(
            model_name='case',
            name='control_run',
        ),
        migrations.RemoveField(
            model_name='case',
            name='funding_source',
        ),
        migrations.RemoveField(
            model_name='case',
            name='outcome',
        ),
        migrations.RemoveField(
            model_name='case',
            name='risk_reasons',
        ),
        migrations.RemoveField(
            model_name='case',
            name='risk_score',
        ),
        migrations.RunPython(dense, roomy),
    ]
