"""The set-based merge of a staged category feed into the memberships (``coverage.feeds``).

``{staging}`` is the feed's TEMP table: one row per file row, the checked values or the
reject's field and reason. Each statement works on the whole table inside the feed's one
transaction. Why SQL: a partner file holds millions of rows; a Python loop with a lookup
and a save per row took 572 MB and minutes for 20 MB. Portable: PostgreSQL and SQLite.
"""

from django.db import connection

from payers.models import Person

from .models import CategoryFeedReject, CategoryMembership

MEMBERSHIP = CategoryMembership._meta.db_table
HISTORY = CategoryMembership.history.model._meta.db_table
PERSON = Person._meta.db_table
REJECT = CategoryFeedReject._meta.db_table
MATCH = ("m.person_id = {staging}.person_id AND m.category_id = {staging}.category_id "
         "AND m.starts_on = {staging}.starts_on")


def _same(left, right):
    if connection.vendor == "postgresql":
        return f"{left} IS NOT DISTINCT FROM {right}"
    return f"{left} IS {right}"


# The person by ИИН (an index probe per row); none: the row is rejected.
PERSONS = f"""
UPDATE {{staging}} SET person_id = (SELECT p.id FROM {PERSON} p WHERE p.iin = {{staging}}.iin)
WHERE reason IS NULL
"""
UNKNOWN = """
UPDATE {staging} SET field = 'iin', reason = %(unknown)s
WHERE reason IS NULL AND person_id IS NULL
"""

# The same person, category and start date again: the first row counts.
DUPLICATES = """
UPDATE {staging} SET field = 'iin', reason = %(duplicate)s
WHERE reason IS NULL AND row_no > (
    SELECT MIN(t.row_no) FROM {staging} t WHERE t.reason IS NULL AND t.iin = {staging}.iin
      AND t.category_id = {staging}.category_id AND t.starts_on = {staging}.starts_on)
"""

# 'new' (no membership with the key), 'same' (same end, no other document) or 'change'.
CLASSIFY = f"""
UPDATE {{staging}} SET action = CASE
    WHEN NOT EXISTS (SELECT 1 FROM {MEMBERSHIP} m WHERE {MATCH}) THEN 'new'
    WHEN EXISTS (SELECT 1 FROM {MEMBERSHIP} m WHERE {MATCH}
                 AND {{same_end}} AND ({{staging}}.document = ''
                                      OR m.document = {{staging}}.document)) THEN 'same'
    ELSE 'change' END
WHERE reason IS NULL
"""

INSERT = f"""
INSERT INTO {MEMBERSHIP} (person_id, category_id, starts_on, ends_on, source, document,
                          feed_run_id, changed_at)
SELECT person_id, category_id, starts_on, ends_on, 'feed', document, %(run)s, %(now)s
FROM {{staging}} WHERE action = 'new' ORDER BY person_id, category_id, starts_on
"""

CHANGE = f"""
UPDATE {MEMBERSHIP} SET ends_on = s.ends_on, feed_run_id = %(run)s, changed_at = %(now)s,
       document = CASE WHEN s.document <> '' THEN s.document ELSE {MEMBERSHIP}.document END
FROM {{staging}} s
WHERE s.action = 'change' AND {MEMBERSHIP}.person_id = s.person_id
  AND {MEMBERSHIP}.category_id = s.category_id AND {MEMBERSHIP}.starts_on = s.starts_on
"""

HISTORY_ROWS = f"""
INSERT INTO {HISTORY} (id, starts_on, ends_on, source, document, person_id, category_id,
                       feed_run_id, history_date, history_change_reason, history_type,
                       history_user_id)
SELECT m.id, m.starts_on, m.ends_on, m.source, m.document, m.person_id, m.category_id,
       m.feed_run_id, %(now)s, %(reason)s, CASE s.action WHEN 'new' THEN '+' ELSE '~' END,
       %(user)s
FROM {MEMBERSHIP} m JOIN {{staging}} s ON m.person_id = s.person_id
  AND m.category_id = s.category_id AND m.starts_on = s.starts_on
WHERE s.action IN ('new', 'change')
"""

REJECTS = f"""
INSERT INTO {REJECT} (run_id, row_number, field, reason, raw)
SELECT %(run)s, row_no, field, reason, COALESCE(raw, iin) FROM {{staging}}
WHERE reason IS NOT NULL
"""

COUNTS = """
SELECT SUM(CASE WHEN action IN ('new', 'change') THEN 1 ELSE 0 END),
       SUM(CASE WHEN action = 'same' THEN 1 ELSE 0 END),
       SUM(CASE WHEN reason IS NOT NULL THEN 1 ELSE 0 END)
FROM {staging}
"""


def merge(cursor, *, staging, params):
    """Merge the staged rows; returns (loaded, unchanged, rejected)."""
    names = {"staging": staging, "same_end": _same("m.ends_on", f"{staging}.ends_on")}
    for statement in (PERSONS, UNKNOWN, DUPLICATES, CLASSIFY, INSERT, CHANGE, HISTORY_ROWS,
                      REJECTS):
        cursor.execute(statement.format(**names), params)
    cursor.execute(COUNTS.format(**names))
    return tuple(value or 0 for value in cursor.fetchone())
