"""Storage of the job's tables tuned for the incremental run (PostgreSQL only).

* Room in the pages of the status and paid-month rows (fillfactor 90): an update
  that changes no indexed column (the paid-month bits, the last paid period) stays
  on its page and writes no index entry (a heap-only tuple).
* A chunk's lists of persons and months are stored uncompressed: they are written
  once and read once, and compressing 10 000-element arrays cost more than it saved.
"""

from django.db import migrations

FILLFACTOR = {"coverage_coveragestatus": 90, "coverage_paidmonths": 90}
UNCOMPRESSED = ("person_ids", "fold_person_ids", "fold_months", "fold_flags")


def tune(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, fillfactor in FILLFACTOR.items():
        schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {fillfactor})")
    for column in UNCOMPRESSED:
        schema_editor.execute(
            f"ALTER TABLE coverage_recomputechunk ALTER COLUMN {column} SET STORAGE EXTERNAL")


def untune(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in FILLFACTOR:
        schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")
    for column in UNCOMPRESSED:
        schema_editor.execute(
            f"ALTER TABLE coverage_recomputechunk ALTER COLUMN {column} SET STORAGE EXTENDED")


class Migration(migrations.Migration):

    dependencies = [
        ("coverage", "0006_run_changes_until"),
    ]

    operations = [migrations.RunPython(tune, untune)]
