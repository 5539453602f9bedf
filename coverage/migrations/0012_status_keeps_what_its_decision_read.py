"""The status row keeps what its decision read besides the status row: the registry facts
(birth date, citizenship, date of death) and whether a membership was in force, so that an
incremental run decides a person touched only by payments or a recheck without reading the
registry row or the memberships again; a chunk says for each listed person what touched it
(the registry, the memberships).

Existing rows get no facts (NULL birth date) and "had a membership": the next run reads
those persons' registry rows and memberships and writes them (a full run rewrites every row
once). Adding nullable columns and columns with a constant default rewrites no table; the
defaults stay in the database, for rows written by SQL that does not name the columns. The
chunk's new array is stored uncompressed like its other lists (migration 0007, PostgreSQL
only).
"""

from django.db import migrations, models

import coverage.models.fields


def uncompressed(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE coverage_recomputechunk "
                              "ALTER COLUMN person_sources SET STORAGE EXTERNAL")


class Migration(migrations.Migration):

    dependencies = [
        ("coverage", "0011_recompute_run_help_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="coveragestatus",
            name="held_membership",
            field=models.BooleanField(db_default=True, default=True, editable=False,
                                      verbose_name="had a membership in force (as decided)"),
        ),
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
            name="person_sources",
            field=coverage.models.fields.IdArrayField(
                blank=True, editable=False, null=True,
                help_text="Incremental run: for each listed person, whether the registry (1) "
                          "or their memberships (2) changed since the previous run (cleared "
                          "when done).",
                verbose_name="what touched the persons"),
        ),
        migrations.RunPython(uncompressed, migrations.RunPython.noop),
    ]
