"""The first reconciliation rule, and an UNLOGGED staging table on PostgreSQL.

Staging rows live only while an import runs, so they need no WAL: a crash
loses them and the import run is marked failed, nothing else is touched.
"""

import datetime
from decimal import Decimal

from django.db import migrations


def add_default_rule(apps, schema_editor):
    rule = apps.get_model("reconciliation", "ReconciliationRule")
    rule.objects.get_or_create(
        valid_from=datetime.date(2017, 7, 1),
        defaults={
            "tolerance": Decimal("1.00"),
            "other_period_window": 12,
            "note": "Расхождения до 1 ₸ — округление; платёж за другой месяц ищется в пределах "
            "12 месяцев в обе стороны. Операторы могут добавить последующие строки.",
        },
    )


def staging_unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE reconciliation_declarationstaging SET UNLOGGED")


def staging_logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE reconciliation_declarationstaging SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("reconciliation", "0001_initial")]

    operations = [
        migrations.RunPython(add_default_rule, migrations.RunPython.noop),
        migrations.RunPython(staging_unlogged, staging_logged),
    ]
