"""The set-based merge of a staged registry file (persons or organisations) by ИИН / БИН.

Each statement works on the whole staging table ``{staging}`` (a TEMP table, one row per
file row: the checked values, or the reject's ``field``/``reason``) against the target
table ``{target}`` (``payers_person`` or ``payers_organisation``) and its history table.
Why SQL: a file holds millions of rows; one statement per step is what keeps it at COPY
speed and in bounded memory (a Python loop with a save per row took 9 minutes for 20 MB).
Portable: PostgreSQL and SQLite (UPDATE … FROM, INSERT … SELECT).
"""

from django.db import connection


def _same(left, right):
    """Null-safe equality of two column expressions."""
    if connection.vendor == "postgresql":
        return f"{left} IS NOT DISTINCT FROM {right}"
    return f"{left} IS {right}"


# A key repeated in the file: the first row counts, later ones are rejected (its row named).
DUPLICATES = """
UPDATE {staging} SET field = %(key_name)s,
       reason = %(duplicate)s || CAST((SELECT MIN(t.row_no) FROM {staging} t
                                      WHERE t.{key} = {staging}.{key}
                                        AND t.reason IS NULL) AS TEXT) || '.'
WHERE reason IS NULL AND row_no > (SELECT MIN(t.row_no) FROM {staging} t
                                   WHERE t.{key} = {staging}.{key} AND t.reason IS NULL)
"""

# A regional operator's file may not change a row registered in another region: the reason
# names that region (in the operator's language) and who to ask for a transfer.
OTHER_REGION = """
UPDATE {staging} SET field = %(key_name)s,
       reason = %(other_before)s || (SELECT r.{region_name} FROM {regions} r JOIN {target} x
                                     ON x.region_id = r.id WHERE x.{key} = {staging}.{key})
                || %(other_after)s
WHERE reason IS NULL AND EXISTS (
    SELECT 1 FROM {target} x WHERE x.{key} = {staging}.{key} AND x.region_id <> %(region)s)
"""

# What each row does: 'new' (no row with the key), 'same' (equal in every field), 'change'.
CLASSIFY = """
UPDATE {staging} SET action = CASE
    WHEN NOT EXISTS (SELECT 1 FROM {target} x WHERE x.{key} = {staging}.{key}) THEN 'new'
    WHEN EXISTS (SELECT 1 FROM {target} x WHERE x.{key} = {staging}.{key} AND {equal})
        THEN 'same'
    ELSE 'change' END
WHERE reason IS NULL
"""

CHANGE = """
UPDATE {target} SET {assign}, updated_at = %(now)s
FROM {staging} s WHERE s.{key} = {target}.{key} AND s.action = 'change'
"""

INSERT = """
INSERT INTO {target} ({columns}, created_at, updated_at)
SELECT {columns}, %(now)s, %(now)s FROM {staging} WHERE action = 'new'
"""

# One history row per new or changed row (simple-history's table, written set-based).
HISTORY = """
INSERT INTO {history} (id, {columns}, created_at, history_date, history_change_reason,
                       history_type, history_user_id)
SELECT x.id, {x_columns}, x.created_at, %(now)s, %(reason)s,
       CASE s.action WHEN 'new' THEN '+' ELSE '~' END, %(user)s
FROM {target} x JOIN {staging} s ON s.{key} = x.{key}
WHERE s.action IN ('new', 'change')
"""

REJECTS = """
INSERT INTO {rejects} (run_id, row_number, field, reason, raw)
SELECT %(run)s, row_no, field, substr(reason, 1, 300), COALESCE(raw, {key}) FROM {staging}
WHERE reason IS NOT NULL
"""

COUNTS = """
SELECT SUM(CASE WHEN action = 'new' THEN 1 ELSE 0 END),
       SUM(CASE WHEN action = 'change' THEN 1 ELSE 0 END),
       SUM(CASE WHEN action = 'same' THEN 1 ELSE 0 END),
       SUM(CASE WHEN reason IS NOT NULL THEN 1 ELSE 0 END)
FROM {staging}
"""


def merge(cursor, *, staging, target, history, rejects, key, columns, compared, params,
          regions, region_name):
    """Run the merge; returns (inserted, updated, unchanged, rejected). ``regions`` is the
    regions' table, ``region_name`` its column of names in the operator's language."""
    names = {
        "regions": regions, "region_name": region_name,
        "staging": staging, "target": target, "history": history, "rejects": rejects,
        "key": key, "columns": ", ".join(columns),
        "x_columns": ", ".join(f"x.{c}" for c in columns),
        "equal": " AND ".join(_same(f"x.{c}", f"{staging}.{c}") for c in compared),
        "assign": ", ".join(f"{c} = s.{c}" for c in compared),
    }
    cursor.execute(DUPLICATES.format(**names), params)
    if params.get("region") is not None:
        cursor.execute(OTHER_REGION.format(**names), params)
    cursor.execute(CLASSIFY.format(**names), params)
    cursor.execute(CHANGE.format(**names), params)
    cursor.execute(INSERT.format(**names), params)
    cursor.execute(HISTORY.format(**names), params)
    cursor.execute(REJECTS.format(**names), params)
    cursor.execute(COUNTS.format(**names))
    return tuple(value or 0 for value in cursor.fetchone())
