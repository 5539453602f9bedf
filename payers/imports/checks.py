"""Set-based checks of the staged rows: one reason per rejected row, first failing check wins.

Values are taken as written (the CSV path does not trim: a padded value is
rejected with its reason); empty fields are empty strings, never NULL.

Values with few distinct occurrences in a file (periods, payment dates, KNP,
payers) are checked once each (``Checker``); per-row work is a join or two and one
CASE. The ИИН of a row whose person is in the registry is valid
by construction; only unknown ИИН are checked, with ``payers.validators``.
"""

import datetime

from django.db import connection

from osms.core.periods import month_index

from ..models import KnpCode, PaymentKind
from ..validators import check_digit, iin_problem
from .staging import STAGING

REFERENCE_TABLES = ("payment_terms_ref", "payment_bad_payer")
PERIOD_FORMAT = "period_format"
PAID_ON_FORMAT = "paid_on_format"
PAID_ON_FUTURE = "paid_on_future"


def regex(expr, pattern):
    operator = "~" if connection.vendor == "postgresql" else "REGEXP"
    return f"({expr} {operator} '{pattern}')"


def as_money(expr):
    if connection.vendor == "postgresql":
        return f"CAST({expr} AS numeric(14,2))"
    return f"CAST({expr} AS NUMERIC)"


def as_number(expr):
    """A well-formed amount as an unbounded number (no overflow before the range check)."""
    return f"CAST({expr} AS numeric)" if connection.vendor == "postgresql" else f"CAST({expr} AS REAL)"


def parse_period(text):
    """MMYYYY → first of the month, or None."""
    if len(text) != 6 or not text.isdigit():
        return None
    month, year = int(text[:2]), int(text[2:])
    if not 1 <= month <= 12 or year < 1900:
        return None
    return datetime.date(year, month, 1)


def parse_day(text):
    try:
        return datetime.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def analyze(cursor, *tables):
    """Temporary tables get no statistics by themselves: give the planner some."""
    if connection.vendor == "postgresql":
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def _fill(cursor, table, columns, rows):
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(f"CREATE TEMP TABLE {table} ({columns})")
    if rows:
        marks = ", ".join(["%s"] * len(rows[0]))
        cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


def _term_problems(period, knp, paid_on, *, today, knps):
    """The row-independent checks of a (period, KNP, payment date) triple, in check order."""
    day = parse_period(period)
    code = knps.get(knp)
    early = None
    if day is None:
        early = PERIOD_FORMAT
    elif code is None:
        early = "knp"
    elif month_index(day) > month_index(today) + code.max_months_ahead:
        early = "period_future"
    elif month_index(day) < month_index(code.valid_from):
        early = "period_early"
    paid = parse_day(paid_on)
    late = PAID_ON_FORMAT if paid is None else (PAID_ON_FUTURE if paid > today else None)
    end = None
    if day is not None:
        end = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        end -= datetime.timedelta(days=1)
    return (period, knp, paid_on, day, end, paid, code.kind if code else None, early, late)


def payer_code_valid(value):
    """12 digits with a valid check digit (a БИН, or the ИИН of whoever paid)."""
    return (len(value) == 12 and value.isascii() and value.isdigit()
            and check_digit(value[:11]) == int(value[11]))


class Checker:
    """The checks of one file, chunk after chunk: ``references`` then ``checked``.

    The checks that depend only on a value with few distinct occurrences run once per
    value: (period, KNP, payment date) triples in a reference table per chunk, payer
    codes once per file (most employers pay every month). The per-row work is one small
    hash join, and a second one only when some payer codes are invalid.
    """

    def __init__(self, *, today):
        self.today = today
        self.payers = {}  # payer code -> valid
        self.bad_payers = 0

    def references(self, cursor):
        date_type = "date" if connection.vendor == "postgresql" else "text"
        knps = {code.knp: code for code in KnpCode.objects.all()}
        cursor.execute(
            f"SELECT period, knp, paid_on FROM {STAGING} GROUP BY period, knp, paid_on")
        terms = [_term_problems(*row, today=self.today, knps=knps) for row in cursor.fetchall()]
        _fill(cursor, "payment_terms_ref",
              f"period text, knp text, paid_on text, period_date {date_type}, "
              f"period_end {date_type}, paid_date {date_type}, knp_kind text, "
              "early_reason text, paid_reason text", terms)
        cursor.execute(f"SELECT DISTINCT payer_id FROM {STAGING}")
        bad = []
        for (payer,) in cursor.fetchall():
            valid = self.payers.get(payer)
            if valid is None:
                valid = self.payers[payer] = payer_code_valid(payer)
            if not valid:
                bad.append((payer,))
        _fill(cursor, "payment_bad_payer", "payer_id text", bad)
        self.bad_payers = len(bad)
        analyze(cursor, "payment_terms_ref", "payment_bad_payer")

    def checked(self, cursor, *, table, shared=False) -> dict:
        return build_checked(cursor, today=self.today, table=table, shared=shared,
                             bad_payers=self.bad_payers)


KEY = ("period_date", "person_id", "knp", "payer_id", "document_no")  # the ledger's source key
TEXT_KEY = ("knp", "payer_id", "document_no")


def key_sql(alias):
    """The source-row key in byte order (memcmp, not the database locale's collation)."""
    c_order = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    return ", ".join(f"{alias}.{column}{c_order if column in TEXT_KEY else ''}"
                     for column in KEY)


def build_checked(cursor, *, today, table, shared=False, bad_payers=0) -> dict:
    """The staged rows, joined to the registry, each with its reject reason or NULL.

    Written to ``table`` with the typed values the ledger needs (the posting sorts it by
    the source-row key: the preparing connection is the busier one).
    ``shared`` makes it an UNLOGGED table another connection can read (the background
    preparer), else a temporary one. Returns the counts of rows, rejects and suspense.
    """
    postgres = connection.vendor == "postgresql"
    # Unbounded repetitions: PostgreSQL's regex engine is several times slower on {m,n}.
    # At most 12 integer digits (NUMERIC(14,2)) is checked on the number.
    money = "^-?[0-9]+([.][0-9][0-9]?)?$"
    own = (f"r.knp_kind = '{PaymentKind.EMPLOYEE_CONTRIBUTION}' AND r.payer_id = r.iin")
    self_kind = (
        "CASE WHEN EXISTS (SELECT 1 FROM payers_activity a WHERE a.person_id = r.person_id "
        "AND a.started_on <= r.period_end AND (a.ended_on IS NULL "
        f"OR a.ended_on >= r.period_date)) THEN '{PaymentKind.SELF_EMPLOYED}' "
        f"ELSE '{PaymentKind.SELF_PAYER}' END"
    )
    # Read once by the posting and dropped: autovacuum has nothing to do there.
    kind = "UNLOGGED" if shared and postgres else "TEMP"
    storage = "WITH (autovacuum_enabled = false)" if postgres else ""
    fence = "OFFSET 0" if postgres else ""  # evaluate each expression once, below
    payer_join, payer_bad = "", "(1 = 0)"
    if bad_payers:
        payer_join = "LEFT JOIN payment_bad_payer bp ON bp.payer_id = s.payer_id"
        payer_bad = "(bp.payer_id IS NOT NULL)"
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(
        f"""
        CREATE {kind} TABLE {table} {storage} AS
        SELECT q.*,
               CASE WHEN q.reason IS NULL THEN {as_money('q.number')} END AS amount_value
        FROM (
            SELECT r.*,
                   CASE
                     WHEN r.payer_bad THEN 'payer_id'
                     WHEN r.early_reason IS NOT NULL THEN r.early_reason
                     WHEN r.number IS NULL OR abs(r.number) >= 1000000000000
                         THEN 'amount_format'
                     WHEN r.number = 0 THEN 'amount_zero'
                     WHEN r.number < 0 THEN 'amount_negative'
                     WHEN r.paid_reason IS NOT NULL THEN r.paid_reason
                     WHEN r.document_no = '' OR length(r.document_no) > 40 THEN 'document_no'
                   END AS reason,
                   CASE WHEN {own} THEN {self_kind} ELSE r.knp_kind END AS kind
            FROM (
                -- The person by an index probe per row, never a hash of the whole registry
                -- (20 million persons) per chunk.
                SELECT s.*, (SELECT p.id FROM payers_person p WHERE p.iin = s.iin) AS person_id,
                       t.period_date, t.period_end, t.paid_date, t.knp_kind, t.early_reason,
                       t.paid_reason, {payer_bad} AS payer_bad,
                       CASE WHEN {regex('s.amount', money)} THEN {as_number('s.amount')}
                       END AS number
                FROM {STAGING} s
                LEFT JOIN payment_terms_ref t
                       ON t.period = s.period AND t.knp = s.knp AND t.paid_on = s.paid_on
                {payer_join}
                {fence}
            ) r
            {fence}
        ) q
        """
    )
    counts = _counts(cursor, table)
    if counts["suspense"]:
        # ИИН not in the registry: checked once each by the registry's own validator.
        cursor.execute(
            f"SELECT DISTINCT iin FROM {table} WHERE person_id IS NULL AND reason IS NULL")
        bad = [iin for (iin,) in cursor.fetchall() if iin_problem(iin)]
        for start in range(0, len(bad), 1000):
            part = bad[start:start + 1000]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(f"UPDATE {table} SET reason = 'iin' WHERE person_id IS NULL "
                           f"AND reason IS NULL AND iin IN ({marks})", part)
        if bad:
            counts = _counts(cursor, table)
    return counts  # no ANALYZE: the posting reads the table in one scan, no join to plan


def _counts(cursor, table):
    cursor.execute(
        f"SELECT COUNT(*), SUM(CASE WHEN reason IS NOT NULL THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN reason IS NULL AND person_id IS NULL THEN 1 ELSE 0 END) FROM {table}")
    rows, rejected, suspense = cursor.fetchone()
    cursor.execute("SELECT DISTINCT period_date FROM payment_terms_ref "
                   "WHERE period_date IS NOT NULL AND early_reason IS NULL")
    periods = sorted(_as_date(day) for (day,) in cursor.fetchall())
    return {"rows": rows, "rejected": rejected or 0, "suspense": suspense or 0,
            "periods": tuple(periods)}


def _as_date(value):
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def drop_reference_tables(cursor):
    for table in REFERENCE_TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
