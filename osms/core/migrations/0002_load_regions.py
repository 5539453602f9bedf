"""Load the 20 regions (17 oblasts + Astana, Almaty, Shymkent) with КАТО codes."""

from django.db import migrations


def load_regions(apps, schema_editor):
    from osms.core.regions import REGIONS

    Region = apps.get_model("core", "Region")
    for kato, name_ru, name_kk, name_en, kind, center, population, established in REGIONS:
        Region.objects.update_or_create(
            kato=kato,
            defaults={
                "name_ru": name_ru, "name_kk": name_kk, "name_en": name_en, "kind": kind,
                "center": center, "population": population, "established_on": established,
            },
        )


def unload_regions(apps, schema_editor):
    apps.get_model("core", "Region").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load_regions, unload_regions)]
