"""The set-based checks and merge of a staged tariff file (``packages.tariff_import``).

``{staging}`` holds one row per file row (the typed values, or a reject's field and reason);
``{target}`` is the tariff's table, ``{history}`` its simple-history table. A tariff row's
identity is its effective key plus ``valid_from``. Why SQL: a tariff list has hundreds of
thousands of rows; the per-row import (a query per row and per overlap check) had not
finished 329 000 rows after 400 s. Portable: PostgreSQL and SQLite.
"""

from django.db import connection

FAR = "'9999-12-31'"


def _same(left, right):
    if connection.vendor == "postgresql":
        return f"{left} IS NOT DISTINCT FROM {right}"
    return f"{left} IS {right}"


def _key_sql(a, b, key, nullable=()):
    """Key equality: ``=`` (an index or a hash join serves it) on NOT NULL columns,
    null-safe only on the nullable ones (a region, an age band: small tables)."""
    return " AND ".join(_same(f"{a}.{c}", f"{b}.{c}") if c in nullable
                        else f"{a}.{c} = {b}.{c}" for c in key)


def _overlap(a, b):
    return (f"{a}.valid_from <= COALESCE({b}.valid_to, {FAR}) "
            f"AND {b}.valid_from <= COALESCE({a}.valid_to, {FAR})")


# The same key and start date twice: the first row counts.
DUPLICATES = """
UPDATE {staging} SET field = %(first_key)s, reason = %(duplicate)s || CAST(
    (SELECT MIN(t.row_no) FROM {staging} t WHERE t.reason IS NULL AND {key_t}
       AND t.valid_from = {staging}.valid_from) AS TEXT) || '.'
WHERE reason IS NULL AND row_no > (
    SELECT MIN(t.row_no) FROM {staging} t WHERE t.reason IS NULL AND {key_t}
       AND t.valid_from = {staging}.valid_from)
"""

# Two rows of the file with one key and overlapping periods.
FILE_OVERLAP = """
UPDATE {staging} SET field = 'valid_from', reason = %(file_overlap)s || CAST(
    (SELECT MIN(t.row_no) FROM {staging} t WHERE t.reason IS NULL AND {key_t}
       AND t.valid_from <> {staging}.valid_from AND {overlap_t}) AS TEXT) || '.'
WHERE reason IS NULL AND EXISTS (
    SELECT 1 FROM {staging} t WHERE t.reason IS NULL AND {key_t}
       AND t.valid_from <> {staging}.valid_from AND {overlap_t})
"""

# A row overlapping a stored row of the key that the file does not replace.
STORED_OVERLAP = """
UPDATE {staging} SET field = 'valid_from', reason = %(stored_overlap)s || (
    SELECT CAST(MIN(e.valid_from) AS TEXT) FROM {target} e WHERE {stored})
WHERE reason IS NULL AND EXISTS (SELECT 1 FROM {target} e WHERE {stored})
"""
STORED = """{key_e} AND e.valid_from <> {staging}.valid_from AND {overlap_e}
    AND NOT EXISTS (SELECT 1 FROM {staging} r WHERE r.reason IS NULL AND {key_r}
                    AND r.valid_from = e.valid_from)"""

CLASSIFY = """
UPDATE {staging} SET action = CASE
    WHEN NOT EXISTS (SELECT 1 FROM {target} e WHERE {key_e}
                     AND e.valid_from = {staging}.valid_from) THEN 'new'
    WHEN EXISTS (SELECT 1 FROM {target} e WHERE {key_e} AND e.valid_from = {staging}.valid_from
                 AND {equal}) THEN 'same'
    ELSE 'change' END
WHERE reason IS NULL
"""

INSERT = "INSERT INTO {target} ({columns}) SELECT {columns} FROM {staging} WHERE action = 'new'"

CHANGE = """
UPDATE {target} SET {assign} FROM {staging} s
WHERE s.action = 'change' AND {key_target} AND {target}.valid_from = s.valid_from
"""

HISTORY = """
INSERT INTO {history} (id, {columns}, history_date, history_change_reason, history_type,
                       history_user_id)
SELECT e.id, {e_columns}, %(now)s, %(reason)s, CASE s.action WHEN 'new' THEN '+' ELSE '~' END,
       %(user)s
FROM {target} e JOIN {staging} s ON {key_es} AND e.valid_from = s.valid_from
WHERE s.action IN ('new', 'change')
"""

REJECTS = """
INSERT INTO {rejects} (run_id, row_number, field, reason, raw)
SELECT %(run)s, row_no, field, substr(reason, 1, 300), COALESCE(raw, '') FROM {staging}
WHERE reason IS NOT NULL
"""

COUNTS = """
SELECT SUM(CASE WHEN action = 'new' THEN 1 ELSE 0 END),
       SUM(CASE WHEN action = 'change' THEN 1 ELSE 0 END),
       SUM(CASE WHEN action = 'same' THEN 1 ELSE 0 END),
       SUM(CASE WHEN reason IS NOT NULL THEN 1 ELSE 0 END)
FROM {staging}
"""


def names(*, staging, target, history, rejects, key, columns, nullable=()):
    """The table and column names the statements are formatted with."""
    values = [c for c in columns if c not in (*key, "valid_from")]

    def _key(a, b, key):
        return _key_sql(a, b, key, nullable)

    names = {
        "staging": staging, "target": target, "history": history, "rejects": rejects,
        "columns": ", ".join(columns), "e_columns": ", ".join(f"e.{c}" for c in columns),
        "key_t": _key("t", staging, key), "key_e": _key("e", staging, key),
        "key_r": _key("r", "e", key), "key_es": _key("e", "s", key),
        "key_target": _key(target, "s", key),
        "overlap_t": _overlap("t", staging), "overlap_e": _overlap("e", staging),
        "equal": " AND ".join(_same(f"e.{c}", f"{staging}.{c}") for c in values),
        "assign": ", ".join(f"{c} = s.{c}" for c in values),
    }
    names["stored"] = STORED.format(**names)
    return names


def check(cursor, names, params):
    """Reject repeated rows and overlaps; returns the number of rejected rows."""
    for statement in (DUPLICATES, FILE_OVERLAP, STORED_OVERLAP):
        cursor.execute(statement.format(**names), params)
    cursor.execute(CLASSIFY.format(**names), params)
    cursor.execute(COUNTS.format(**names))
    return tuple(value or 0 for value in cursor.fetchone())


def write(cursor, names, params):
    for statement in (INSERT, CHANGE, HISTORY):
        cursor.execute(statement.format(**names), params)


def store_rejects(cursor, names, params):
    cursor.execute(REJECTS.format(**names), params)
