from django.db import migrations


def fillfactor(apps, schema_editor):
    """Room in each page for a new version of every row: the control's first rewrite of a
    month then stays HOT (no index entries). At 70 only about 40 % of a freshly loaded
    month's rows found room (a row is ~260 bytes, ~23 to a page, 30 % free holds ~9 new
    versions); every other update wrote an entry into each of the six indexes."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE monitoring_case SET (fillfactor = 45)")


def back(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE monitoring_case SET (fillfactor = 70)")


class Migration(migrations.Migration):

    dependencies = [
        ("monitoring", "0005_restriction_names"),
    ]

    operations = [migrations.RunPython(fillfactor, back)]
