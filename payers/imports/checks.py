"""Set-based checks of the staged rows: one reason per rejected row, first failing check wins.

Values are taken as written (the CSV path does not trim: a padded value is
rejected with its reason); empty fields are empty strings, never NULL.

Values with few distinct occurrences in a file (periods, payment dates, KNP,
payers) are checked once each in small reference tables; per-row work is a few
joins and one CASE. The ИИН of a row whose person is in the registry is valid
by construction; only unknown ИИН are checked, with ``payers.validators``.
"""

import datetime

from django.db import connection

from ..models import KnpCode, PaymentKind
from ..validators import FIRST_WEIGHTS, SECOND_WEIGHTS, iin_problem
from .staging import STAGING

CHECKED = "payment_checked"
TEMP_TABLES = ("payment_period_ref", "payment_paid_ref", "payment_knp_ref", "payment_payer_ref",
               "payment_bad_iin", CHECKED, STAGING)
PERIOD_FORMAT = "period_format"
PAID_ON_FORMAT = "paid_on_format"
PAID_ON_FUTURE = "paid_on_future"


def regex(expr, pattern):
    operator = "~" if connection.vendor == "postgresql" else "REGEXP"
    return f"({expr} {operator} '{pattern}')"


def as_date(expr):
    return f"CAST({expr} AS date)" if connection.vendor == "postgresql" else expr


def as_money(expr):
    if connection.vendor == "postgresql":
        return f"CAST({expr} AS numeric(14,2))"
    return f"CAST({expr} AS NUMERIC)"


def check_digit_valid(expr):
    """SQL: does the 12-digit string ``expr`` carry a valid ИИН/БИН check digit?"""

    def digit(i):
        return f"CAST(substr({expr},{i},1) AS integer)"

    first = " + ".join(f"{w}*{digit(i + 1)}" for i, w in enumerate(FIRST_WEIGHTS))
    second = " + ".join(f"{w}*{digit(i + 1)}" for i, w in enumerate(SECOND_WEIGHTS))
    return (
        f"(CASE WHEN ({first}) % 11 <> 10 THEN ({first}) % 11 = {digit(12)} "
        f"ELSE ({second}) % 11 <> 10 AND ({second}) % 11 = {digit(12)} END)"
    )


def month_index(day):
    return day.year * 12 + day.month - 1


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


def _distinct(cursor, column, where=""):
    cursor.execute(f"SELECT DISTINCT {column} FROM {STAGING} {where}")
    return [row[0] for row in cursor.fetchall()]


def _fill(cursor, table, columns, rows):
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(f"CREATE TEMP TABLE {table} ({columns})")
    if rows:
        marks = ", ".join(["%s"] * len(rows[0]))
        cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


def build_references(cursor, *, today):
    """Reference tables of every distinct period, payment date, KNP and payer in the file."""
    analyze(cursor, STAGING)
    date_type = "date" if connection.vendor == "postgresql" else "text"
    periods = []
    for text in _distinct(cursor, "period"):
        day = parse_period(text)
        if day is None:
            periods.append((text, None, None, None, PERIOD_FORMAT))
        else:
            following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
            periods.append((text, day, following - datetime.timedelta(days=1),
                            month_index(day), None))
    _fill(cursor, "payment_period_ref",
          f"period text, period_date {date_type}, period_end {date_type}, mi integer, "
          "problem text", periods)
    paid = []
    for text in _distinct(cursor, "paid_on"):
        day = parse_day(text)
        problem = PAID_ON_FORMAT if day is None else (PAID_ON_FUTURE if day > today else None)
        paid.append((text, day, problem))
    _fill(cursor, "payment_paid_ref", f"paid_on text, paid_date {date_type}, problem text", paid)
    knp = [(k.knp, k.kind, month_index(k.valid_from), k.max_months_ahead)
           for k in KnpCode.objects.all()]
    _fill(cursor, "payment_knp_ref", "knp text, kind text, first_mi integer, ahead integer", knp)
    cursor.execute("DROP TABLE IF EXISTS payment_payer_ref")
    cursor.execute(
        "CREATE TEMP TABLE payment_payer_ref AS SELECT payer_id, CASE WHEN "
        f"{regex('payer_id', '^[0-9]{12}$')} AND {check_digit_valid('payer_id')} THEN 1 "
        f"ELSE 0 END AS ok FROM (SELECT DISTINCT payer_id FROM {STAGING}) d"
    )
    analyze(cursor, "payment_period_ref", "payment_paid_ref", "payment_knp_ref",
            "payment_payer_ref")


def build_checked(cursor, *, today):
    """The staged rows, trimmed, joined to the registry, with their reject reason or NULL."""
    money = "^-?[0-9]{1,12}([.][0-9]{1,2})?$"
    cursor.execute(f"DROP TABLE IF EXISTS {CHECKED}")
    cursor.execute(
        f"""
        CREATE TEMP TABLE {CHECKED} AS
        SELECT s.*, p.id AS person_id, k.kind AS knp_kind, pr.period_date, pr.period_end,
               pd.paid_date,
               CASE
                 WHEN py.ok = 0 THEN 'payer_id'
                 WHEN pr.problem IS NOT NULL THEN pr.problem
                 WHEN k.knp IS NULL THEN 'knp'
                 WHEN pr.mi > {month_index(today)} + k.ahead THEN 'period_future'
                 WHEN pr.mi < k.first_mi THEN 'period_early'
                 WHEN NOT {regex('s.amount', money)} THEN 'amount_format'
                 WHEN {as_money('s.amount')} = 0 THEN 'amount_zero'
                 WHEN substr(s.amount, 1, 1) = '-' THEN 'amount_negative'
                 WHEN pd.problem IS NOT NULL THEN pd.problem
                 WHEN s.document_no = '' OR length(s.document_no) > 40 THEN 'document_no'
               END AS reason
        FROM {STAGING} s
        LEFT JOIN payers_person p ON p.iin = s.iin
        LEFT JOIN payment_knp_ref k ON k.knp = s.knp
        LEFT JOIN payment_period_ref pr ON pr.period = s.period
        LEFT JOIN payment_paid_ref pd ON pd.paid_on = s.paid_on
        LEFT JOIN payment_payer_ref py ON py.payer_id = s.payer_id
        """
    )
    analyze(cursor, CHECKED)
    # ИИН not in the registry: checked once each by the registry's own validator.
    cursor.execute(
        f"SELECT DISTINCT iin FROM {CHECKED} WHERE person_id IS NULL AND reason IS NULL"
    )
    bad = [(iin,) for (iin,) in cursor.fetchall() if iin_problem(iin)]
    _fill(cursor, "payment_bad_iin", "iin text", bad)


def kind_sql(alias="c", *, with_activity=True):
    """The ledger kind: the KNP's, except a 122 paid for oneself (entrepreneur or self-payer)."""
    own = (
        f"{alias}.knp_kind = '{PaymentKind.EMPLOYEE_CONTRIBUTION}' "
        f"AND {alias}.payer_id = {alias}.iin"
    )
    if with_activity:
        self_kind = (
            f"CASE WHEN EXISTS (SELECT 1 FROM payers_activity a WHERE a.person_id = "
            f"{alias}.person_id AND a.started_on <= {alias}.period_end AND (a.ended_on IS NULL "
            f"OR a.ended_on >= {alias}.period_date)) THEN '{PaymentKind.SELF_EMPLOYED}' "
            f"ELSE '{PaymentKind.SELF_PAYER}' END"
        )
    else:
        self_kind = f"'{PaymentKind.SELF_PAYER}'"
    return f"CASE WHEN {own} THEN {self_kind} ELSE {alias}.knp_kind END"


def drop_temp_tables(cursor):
    for table in TEMP_TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
