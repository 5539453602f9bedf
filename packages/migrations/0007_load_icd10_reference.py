"""Load the WHO ICD-10 (2019) classification on ``migrate`` (issue 17, hole 11).

The eligibility check refuses a diagnosis that is not in ``Icd10Code``; before this
migration only the demo loaded the table, so a production install answered every
question naming a diagnosis wrongly. The loader is set-based (bulk upserts on ``code``,
one UPDATE per 2 000 parents) and idempotent: ``manage.py load_icd10`` re-runs it, and
a Russian name an operator typed for a code the file does not carry is kept.
"""

from django.db import migrations


def load(apps, schema_editor):
    from packages.icd10_load import icd10_load

    icd10_load(model=apps.get_model("packages", "Icd10Code"),
               using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("packages", "0006_packageversion_publish_permission"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=False)]
