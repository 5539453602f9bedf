import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_load_regions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalRegion",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("kato", models.CharField(db_index=True, max_length=9, verbose_name="KATO code")),
                ("name_ru", models.CharField(max_length=100, verbose_name="name (Russian)")),
                ("name_kk", models.CharField(max_length=100, verbose_name="name (Kazakh)")),
                ("name_en", models.CharField(max_length=100, verbose_name="name (English)")),
                ("kind", models.CharField(choices=[("oblast", "Oblast"), ("city", "City of republican significance")], max_length=10, verbose_name="kind")),
                ("center", models.CharField(blank=True, max_length=100, verbose_name="administrative centre")),
                ("population", models.PositiveIntegerField(default=0, help_text="Used to weight the demo population.", verbose_name="population")),
                ("established_on", models.DateField(blank=True, null=True, verbose_name="established on")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                ("history_type", models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1)),
                ("history_user", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "historical region",
                "verbose_name_plural": "historical regions",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
    ]
