"""The case's region without an index of its own (issue 20, item 8): twenty values, so a
region's cases are about a twentieth of a month and its readers (a regional user's lists
and counts) go by the month's index and filter; every index of ``monitoring_case`` costs
each imported case an insertion (its sixth, with the key, the month's, the contract item's
and the ИИН's)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_operations_access_log_and_job_runs'),
        ('monitoring', '0009_case_keys_collate_c'),
    ]

    operations = [
        migrations.AlterField(
            model_name='case',
            name='region',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.region', verbose_name='region'),
        ),
    ]
