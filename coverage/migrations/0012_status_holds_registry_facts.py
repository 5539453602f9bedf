"""The status row keeps the registry facts its decision read (birth date, citizenship, date
of death), so that an incremental run decides a person touched only by payments, memberships
or a recheck without reading the registry row again; a chunk lists the persons it must read
from the registry (new or changed since the previous run).

Existing rows get no facts (NULL birth date): the next run reads those persons from the
registry and writes the facts (a full run rewrites every row once). Adding nullable columns
and a column with a constant default rewrites no table; the citizenship's default stays in
the database, for rows written by SQL that does not name it. The new list of persons is stored
uncompressed like the chunk's other lists (migration 0007, PostgreSQL only).
"""

from django.db import migrations, models

import coverage.models.fields


def uncompressed(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE coverage_recomputechunk "
                              "ALTER COLUMN registry_person_ids SET STORAGE EXTERNAL")


class Migration(migrations.Migration):

    dependencies = [
        ("coverage", "0011_recompute_run_help_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="coveragestatus",
            name="birth_date",
            field=models.DateField(blank=True, editable=False, null=True,
                                   verbose_name="birth date (as decided)"),
        ),
        migrations.AddField(
            model_name="coveragestatus",
            name="citizenship",
            field=models.CharField(blank=True, db_default="", editable=False, max_length=20,
                                   verbose_name="citizenship (as decided)"),
        ),
        migrations.AddField(
            model_name="coveragestatus",
            name="death_date",
            field=models.DateField(blank=True, editable=False, null=True,
                                   verbose_name="date of death (as decided)"),
        ),
        migrations.AddField(
            model_name="recomputechunk",
            name="registry_person_ids",
            field=coverage.models.fields.IdArrayField(
                blank=True, editable=False, null=True,
                help_text="Incremental run: the listed persons whose registry facts are read "
                          "anew (new or changed since the previous run; cleared when done).",
                verbose_name="persons changed in the registry"),
        ),
        migrations.RunPython(uncompressed, migrations.RunPython.noop),
    ]
