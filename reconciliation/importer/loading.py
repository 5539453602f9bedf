"""Bulk loading of validated declaration rows: staging, then one set-based merge.

PostgreSQL: rows go to the UNLOGGED staging table with COPY; SQLite (quickstart):
``bulk_create``. The merge is one statement per step over the run's staging rows:
reject in-file duplicates and unknown employers, then upsert on the natural key
(employer БИН, ИИН, period), changing only lines whose figures differ. New lines are
written in БИН order, so one employer's (and one reconciliation chunk's BIN range of) lines
lie together on disk rather than on every page of the table.
"""

from django.db import connection
from django.utils.translation import gettext as _

from payers.models import Organisation, Person

from ..models import DeclarationReject, DeclarationStaging
from .reading import AMOUNT_FIELDS

STAGING = DeclarationStaging._meta.db_table
ORGANISATION = Organisation._meta.db_table
PERSON = Person._meta.db_table
COLUMNS = ("run_id", "row_no", "employer_bin", "iin", "period", *AMOUNT_FIELDS)
FIGURES = ("employer_bin", "iin", "period", *AMOUNT_FIELDS)


def stage_rows(run_id, rows):
    """Append [(row_no, values)] of one chunk to the staging table."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        names = ", ".join(COLUMNS)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {STAGING} ({names}) FROM STDIN") as copy:
                for row_no, values in rows:
                    copy.write_row((run_id, row_no, *(values[f] for f in FIGURES)))
    else:
        DeclarationStaging.objects.bulk_create(
            [DeclarationStaging(run_id=run_id, row_no=row_no, **values) for row_no, values in rows],
            batch_size=2000,
        )


def stage_rejects(run_id, problems):
    DeclarationReject.objects.bulk_create(
        [
            DeclarationReject(
                run_id=run_id, row_no=row_no, field=p.field, reason=p.reason[:300], raw=p.raw
            )
            for row_no, p in problems
        ],
        batch_size=2000,
    )


def clear_staging(run_id):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {STAGING} WHERE run_id = %s", [run_id])


def merge_staging(run_id):
    """Reject duplicates and unknown employers, upsert the rest: (inserted, updated, rejected)."""
    reject_table = DeclarationReject._meta.db_table
    with connection.cursor() as cursor:
        # A key repeated in the file: the first row counts, later ones are rejected.
        cursor.execute(
            f"""
            INSERT INTO {reject_table} (run_id, row_no, field, reason, raw)
            SELECT s.run_id, s.row_no, 'iin', %s || CAST(f.first_row AS TEXT), ''
            FROM {STAGING} s
            JOIN (SELECT employer_bin, iin, period, MIN(row_no) AS first_row
                  FROM {STAGING} WHERE run_id = %s
                  GROUP BY employer_bin, iin, period HAVING COUNT(*) > 1) f
              ON f.employer_bin = s.employer_bin AND f.iin = s.iin AND f.period = s.period
            WHERE s.run_id = %s AND s.row_no <> f.first_row
            """,
            [_("The same employer, IIN and period as row "), run_id, run_id],
        )
        duplicates = cursor.rowcount
        cursor.execute(
            f"""
            DELETE FROM {STAGING} WHERE run_id = %s AND row_no IN (
                SELECT row_no FROM {reject_table} WHERE run_id = %s)
            """,
            [run_id, run_id],
        )
        cursor.execute(
            f"""
            INSERT INTO {reject_table} (run_id, row_no, field, reason, raw)
            SELECT s.run_id, s.row_no, 'employer_bin', %s || s.employer_bin, ''
            FROM {STAGING} s
            WHERE s.run_id = %s AND NOT EXISTS (
                SELECT 1 FROM {ORGANISATION} o WHERE o.bin = s.employer_bin)
            """,
            [_("Employer not in the registry of organisations: "), run_id],
        )
        unknown = cursor.rowcount
        if unknown:
            cursor.execute(
                f"""
                DELETE FROM {STAGING} WHERE run_id = %s AND NOT EXISTS (
                    SELECT 1 FROM {ORGANISATION} o WHERE o.bin = {STAGING}.employer_bin)
                """,
                [run_id],
            )
        inserted, updated = _upsert(cursor, run_id)
    return inserted, updated, duplicates + unknown


def _upsert(cursor, run_id):
    figures = ", ".join(FIGURES)
    changed = " OR ".join(
        f"reconciliation_declaration.{f} <> EXCLUDED.{f}" for f in AMOUNT_FIELDS
    )
    null_safe = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    changed += f" OR reconciliation_declaration.person_id {null_safe} EXCLUDED.person_id"
    assign = ", ".join(
        f"{f} = EXCLUDED.{f}"
        for f in (*AMOUNT_FIELDS, "employer_id", "person_id", "import_run_id", "row_no")
    )
    statement = f"""
        INSERT INTO reconciliation_declaration
            ({figures}, employer_id, person_id, import_run_id, row_no)
        SELECT {", ".join("s." + f for f in FIGURES)}, o.id, p.id, s.run_id, s.row_no
        FROM {STAGING} s
        JOIN {ORGANISATION} o ON o.bin = s.employer_bin
        LEFT JOIN {PERSON} p ON p.iin = s.iin
        WHERE s.run_id = %s
        ORDER BY s.employer_bin, s.iin
        ON CONFLICT (employer_bin, iin, period) DO UPDATE SET {assign}
        WHERE {changed}
    """
    if connection.vendor == "postgresql":
        cursor.execute(
            f"""
            WITH up AS ({statement} RETURNING (xmax = 0) AS inserted)
            SELECT COUNT(*) FILTER (WHERE inserted), COUNT(*) FILTER (WHERE NOT inserted)
            FROM up
            """,
            [run_id],
        )
        inserted, updated = cursor.fetchone()
        return inserted, updated
    cursor.execute("SELECT COUNT(*) FROM reconciliation_declaration")
    before = cursor.fetchone()[0]
    # SQLite needs a WHERE in the SELECT for ON CONFLICT to parse unambiguously: it has one.
    cursor.execute(statement, [run_id])
    changed_rows = cursor.rowcount
    cursor.execute("SELECT COUNT(*) FROM reconciliation_declaration")
    inserted = cursor.fetchone()[0] - before
    return inserted, changed_rows - inserted
