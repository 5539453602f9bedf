"""The hand-written SQL of ``payers`` (the payment importer's is in ``payers/imports``).

Each statement is named and says what it does and why it is SQL rather than the ORM. The
arrears are computed set-based for every person and period at once (``payers.arrears``):
the obligations, the payments against them, and the penalty per day of delay from a
calendar of cumulative rates, all as joins and window sums over temporary tables that live
for one transaction. Per-person ORM loops over the ledger would take hours at national
scale; the statements run on PostgreSQL and SQLite (the demo).
"""

from django.db import connection

from .models import Activity, Arrear, Payment, Person

# The temporary tables of one arrears rebuild, (name, columns), the inputs of ``ARREARS``:
# the periods with their due dates and the cumulative penalty rate on the due date; the
# cumulative penalty rate of every day (``payers.arrears.daily_rates``); the obligations
# (person, payer, period, kind, expected); the fixed amounts of each payer type and month.
ARREAR_DUE = ("arrear_due", "period date, due_on date, cum_due numeric(20,12)")
PENALTY_CALENDAR = ("penalty_calendar", "day date, cum numeric(20,12)")
ARREAR_OBLIGATION = ("arrear_obligation", "person_id bigint, payer_code text, period date, "
                     "kind text, expected numeric(14,2)")
ARREAR_FIXED = ("arrear_fixed", "period date, period_end date, payer_type text, "
                "expected numeric(14,2)")
# The persons an incremental rebuild is limited to (those whose payments changed).
ARREAR_PERSON = ("arrear_person", "id bigint PRIMARY KEY")
# Their obligations only (the other persons' arrears rows are left as they are).
PERSON_FILTER = " WHERE person_id IN (SELECT id FROM arrear_person)"


def fill_temp_table(cursor, table, rows):
    """(Re)create the temporary ``table`` (name, columns) holding ``rows``.

    SQL because the rows are the inputs of the set-based statements below; ANALYZE gives
    the planner their size.
    """
    name, columns = table
    drop_table(cursor, table)
    cursor.execute(f"CREATE TEMP TABLE {name} ({columns})")
    if rows:
        marks = ", ".join(["%s"] * len(rows[0]))
        cursor.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
    analyze(cursor, table)


def analyze(cursor, table):
    """Refresh the planner's statistics of a temporary table just filled (PostgreSQL only)."""
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {table[0]}")


def drop_table(cursor, table):
    cursor.execute(f"DROP TABLE IF EXISTS {table[0]}")


def days_between(a, b):
    """The number of days from ``a`` to ``b`` as an SQL expression of the database in use."""
    if connection.vendor == "postgresql":
        return f"({b} - {a})"
    return f"CAST(julianday({b}) - julianday({a}) AS INTEGER)"


# The obligations another app contributes (``payers.extensions.OBLIGATION_SOURCES``): its
# SELECT of (person_id, payer_code, period, kind, expected) is inserted as it stands, so the
# source's rows are computed by one statement over its own tables, never row by row.
def contributed_obligations_sql(select, *, persons=False):
    """``persons``: only the persons of ``arrear_person`` (the filter reaches the source's
    own index on the person)."""
    return ("INSERT INTO arrear_obligation (person_id, payer_code, period, kind, expected) "
            "SELECT person_id, payer_code, period, kind, expected "
            f"FROM ({select}) AS source{PERSON_FILTER if persons else ''}")


# The fixed monthly obligations of registered activities: every person with an activity
# that overlaps the month owes the month's fixed amount of its payer type (from the
# calculator, in ``arrear_fixed``). One join for every person and month at once.
FIXED_OBLIGATIONS = """
INSERT INTO arrear_obligation (person_id, payer_code, period, kind, expected)
SELECT DISTINCT a.person_id, p.iin, m.period, '{kind}', m.expected
FROM {activity} a
JOIN {person} p ON p.id = a.person_id
JOIN arrear_fixed m
  ON m.payer_type = CASE WHEN a.kind IN ({practice}) THEN '{practice_type}'
                         ELSE '{entrepreneur}' END
 AND a.started_on <= m.period_end
 AND (a.ended_on IS NULL OR a.ended_on >= m.period)
"""


def fixed_obligations_sql(*, practice_kinds, entrepreneur, practice_type, kind, persons=False):
    statement = FIXED_OBLIGATIONS
    if persons:
        statement += " WHERE a.person_id IN (SELECT id FROM arrear_person)"
    return statement.format(
        activity=Activity._meta.db_table, person=Person._meta.db_table,
        practice=", ".join(f"'{k}'" for k in practice_kinds),
        entrepreneur=entrepreneur, practice_type=practice_type, kind=kind)


# The arrears table rebuilt from the obligations: per obligation the payments for it (a
# fixed contribution is paid by the person, as an entrepreneur or a self-payer; a deduction
# or contribution from income by the employer, the agent that owes it), what was paid on
# time and late, the debt, and the penalty — on the debt to ``as_of`` and on each late
# payment for the part of it that cleared debt, in date order (a window sum). One
# statement for every person and period: the ledger is read once, in the database.
ARREARS = """
WITH obligations AS (
    SELECT b.person_id, b.payer_code, b.period, b.kind, b.expected, d.due_on, d.cum_due
    FROM arrear_obligation b JOIN arrear_due d ON d.period = b.period
),
payments AS (
    SELECT o.person_id, o.payer_code, o.period, o.kind, o.due_on, o.expected, o.cum_due,
           p.id, p.amount, p.paid_on, CASE WHEN p.paid_on > o.due_on THEN 1 ELSE 0 END AS late
    FROM obligations o
    JOIN {payment} p
      ON p.person_id = o.person_id AND p.period = o.period AND p.paid_on <= %s
     AND ((o.kind = '{own_kind}' AND p.kind IN ({own_kinds}))
          OR (o.kind <> '{own_kind}' AND p.kind = o.kind AND p.payer_code = o.payer_code))
),
on_time AS (
    SELECT person_id, payer_code, period, kind, expected,
           SUM(CASE WHEN late = 0 THEN amount ELSE 0 END) AS paid_on_time,
           SUM(amount) AS paid, SUM(CASE WHEN late = 1 THEN amount ELSE 0 END) AS paid_late
    FROM payments GROUP BY person_id, payer_code, period, kind, expected
),
late AS (
    SELECT y.person_id, y.payer_code, y.period, y.kind, y.amount, y.paid_on, y.cum_due,
           o.expected - o.paid_on_time AS owed,
           SUM(y.amount) OVER (PARTITION BY y.person_id, y.payer_code, y.period, y.kind
                               ORDER BY y.paid_on, y.id) - y.amount AS before
    FROM payments y
    JOIN on_time o ON o.person_id = y.person_id AND o.payer_code = y.payer_code
                  AND o.period = y.period AND o.kind = y.kind
    WHERE y.late = 1
),
late_penalty AS (
    SELECT l.person_id, l.payer_code, l.period, l.kind,
           SUM(CASE WHEN l.owed - l.before <= 0 THEN 0
                    WHEN l.amount < l.owed - l.before THEN l.amount
                    ELSE l.owed - l.before END * (c.cum - l.cum_due)) AS penalty
    FROM late l JOIN penalty_calendar c ON c.day = l.paid_on
    GROUP BY l.person_id, l.payer_code, l.period, l.kind
),
totals AS (
    SELECT o.person_id, o.payer_code, o.period, o.kind, o.due_on, o.expected, o.cum_due,
           COALESCE(t.paid, 0) AS paid, COALESCE(t.paid_late, 0) AS paid_late,
           CASE WHEN o.expected > COALESCE(t.paid, 0) THEN o.expected - COALESCE(t.paid, 0)
                ELSE 0 END AS debt,
           COALESCE(lp.penalty, 0) AS late_penalty
    FROM obligations o
    LEFT JOIN on_time t ON t.person_id = o.person_id AND t.payer_code = o.payer_code
                       AND t.period = o.period AND t.kind = o.kind
    LEFT JOIN late_penalty lp ON lp.person_id = o.person_id AND lp.payer_code = o.payer_code
                             AND lp.period = o.period AND lp.kind = o.kind
)
INSERT INTO {arrear} (person_id, payer_code, period, kind, expected, paid, paid_late,
                           debt, due_on, days_overdue, penalty, as_of)
SELECT o.person_id, o.payer_code, o.period, o.kind, o.expected, o.paid, o.paid_late, o.debt,
       o.due_on, CASE WHEN o.debt > 0 THEN {overdue} ELSE 0 END,
       ROUND(o.debt * ((SELECT cum FROM penalty_calendar WHERE day = %s) - o.cum_due)
             + o.late_penalty, 2),
       %s
FROM totals o
WHERE o.expected > 0 AND (o.debt > 0 OR o.late_penalty > 0 OR o.paid_late > 0)
"""


def arrears_sql(*, own_kind, own_kinds):
    """``ARREARS`` for the kinds a person pays for themselves; parameters: as_of × 4."""
    return ARREARS.format(
        payment=Payment._meta.db_table, arrear=Arrear._meta.db_table, own_kind=own_kind,
        own_kinds=", ".join(f"'{k}'" for k in own_kinds),
        overdue=days_between("o.due_on", "%s"))


# --- The ledger partitioned by period (PostgreSQL; ``payers.partitions``) -----------------
# SQL because partitions are DDL; names are built from a month, never from user text.
# ``payers_payment`` is ``PARTITION BY RANGE (period)``: one partition per month
# (``payers_payment_pYYYY_MM``) and a default partition for months without one. The primary
# key and the source-row key include the period, as PostgreSQL requires; the id stays
# unique because only the sequence gives it out.
PARTITION_PREFIX = "payers_payment_p"
DEFAULT_PARTITION = "payers_payment_default"
ARCHIVE_SCHEMA = "payers_archive"

# Is the ledger partitioned? ('p' = partitioned table, 'r' = plain).
LEDGER_KIND = "SELECT relkind FROM pg_class WHERE oid = 'payers_payment'::regclass"

# The partitions of the ledger with their bounds, in order.
LEDGER_PARTITIONS = """
SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples::bigint,
       pg_total_relation_size(c.oid)
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'payers_payment'::regclass
ORDER BY c.relname
"""

# The months the ledger holds, without reading every row: a skip scan over the source-row
# key (period first): one index probe per month.
LEDGER_MONTHS = """
WITH RECURSIVE m(p) AS (
    SELECT min(period) FROM {table}
    UNION ALL
    SELECT (SELECT min(period) FROM {table}
             WHERE period >= (date_trunc('month', m.p) + interval '1 month')::date)
    FROM m WHERE m.p IS NOT NULL
)
SELECT date_trunc('month', p)::date FROM m WHERE p IS NOT NULL
"""

# The indexes and keys of the ledger as of migration 0009 (names as in ``Payment.Meta``;
# later migrations add theirs to the partitioned table); ``{pk}`` is ``id`` on a plain
# table, ``id, period`` on the partitioned one.
LEDGER_KEYS = (
    "ALTER TABLE payers_payment ADD CONSTRAINT payers_payment_pkey PRIMARY KEY ({pk})",
    "ALTER TABLE payers_payment ADD CONSTRAINT payment_source_row_unique "
    "UNIQUE (period, person_id, knp, payer_code, document_no)",
    "CREATE INDEX payment_person_period_idx ON payers_payment (person_id, period)",
    "CREATE INDEX payment_reverses_idx ON payers_payment (reverses_id) "
    "WHERE reverses_id IS NOT NULL",
    "CREATE INDEX payment_posted_by_idx ON payers_payment (posted_by_id) "
    "WHERE posted_by_id IS NOT NULL",
)

# The ledger's own triggers (functions of migrations 0003 and 0007): immutability per row
# (cloned onto every partition), the references check per statement on the parent.
LEDGER_TRIGGERS = (
    "CREATE TRIGGER payers_payment_immutable BEFORE UPDATE OR DELETE ON payers_payment "
    "FOR EACH ROW EXECUTE FUNCTION payers_payment_immutable()",
    "CREATE TRIGGER payers_payment_references AFTER INSERT ON payers_payment "
    "REFERENCING NEW TABLE AS posted FOR EACH STATEMENT "
    "EXECUTE FUNCTION payers_payment_references()",
)

# Tables that refer to payments, and their columns: a foreign key cannot point at the id of
# a partitioned table (its unique keys include the period), so a deferred constraint trigger
# per row with a reference checks that the payment exists, as the foreign key did.
PAYMENT_REFERRERS = (
    ("payers_refundapplication", "payment_id"),
    ("payers_refundapplication", "refund_entry_id"),
    ("payers_suspensepayment", "payment_id"),
)
REFERRER_FUNCTION = """
CREATE OR REPLACE FUNCTION payers_payment_referred() RETURNS trigger AS $$
DECLARE
    referred bigint;
BEGIN
    EXECUTE format('SELECT ($1).%I', TG_ARGV[0]) INTO referred USING NEW;
    IF referred IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM payers_payment WHERE id = referred) THEN
        RAISE EXCEPTION 'insert or update on %: payment % does not exist (%)',
            TG_TABLE_NAME, referred, TG_ARGV[0] USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
REFERRER_TRIGGER = """
CREATE CONSTRAINT TRIGGER {table}_{column}_payment AFTER INSERT OR UPDATE OF {column}
ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.{column} IS NOT NULL)
EXECUTE FUNCTION payers_payment_referred('{column}')
"""
REFERRER_DROP = "DROP TRIGGER IF EXISTS {table}_{column}_payment ON {table}"

# Payments of one partition that something outside it refers to, or reversing entries in it
# of payments outside it: such a month cannot be detached (a refund, a suspense match or a
# reversal would lose its payment, or a payment its reversal).
PARTITION_REFERRED = """
SELECT EXISTS (SELECT 1 FROM payers_refundapplication r JOIN {partition} p
                 ON p.id = r.payment_id OR p.id = r.refund_entry_id)
    OR EXISTS (SELECT 1 FROM payers_suspensepayment s JOIN {partition} p ON p.id = s.payment_id)
    OR EXISTS (SELECT 1 FROM payers_payment x JOIN {partition} p ON p.id = x.reverses_id
                WHERE x.period NOT BETWEEN %(low)s AND %(high)s)
    OR EXISTS (SELECT 1 FROM {partition} p WHERE p.reverses_id IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM {partition} q WHERE q.id = p.reverses_id))
"""
