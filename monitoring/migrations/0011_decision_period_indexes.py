"""The month's decisions by a B-tree on the month alone, the rejected and reviewed ones by a
partial index on (month, outcome) (issue 20, item 8): the control inserts a decision per
case, and the B-tree on (month, outcome) over all of them cost 0.25-0.45 s of 264 361
inserts above the primary key, one on the month 0.08 s (most cases are accepted: the
partial index holds a few in a hundred)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0010_case_region_no_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='casedecision',
            name='decision_period_idx',
        ),
        migrations.AddIndex(
            model_name='casedecision',
            index=models.Index(fields=['period'], name='decision_period_idx'),
        ),
        migrations.AddIndex(
            model_name='casedecision',
            index=models.Index(condition=models.Q(('outcome', 'accepted'), _negated=True), fields=['period', 'outcome'], name='decision_flagged_idx'),
        ),
    ]
