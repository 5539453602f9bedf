"""The registry and January's declarations of ``bench/national.py``, written on the server.

The same population as ``reconcile_data.generate`` (valid ИИН and БИН, 20 employees per
employer, one declaration line per employee with the same shares of planted discrepancies,
0.5 % more persons paid for without a declaration, January's and December's payments) but
made by ``INSERT … SELECT`` in blocks instead of Python lines fed to COPY: at 5 M persons
the Python generator took half an hour for this part, and 20 M would take two hours.

Numbers are made from a serial ``s`` so that they never repeat: an ИИН's birth day, sex and
four-digit serial, a БИН's year, month, attribute digit and five-digit serial; candidates whose
check digit does not exist (``payers.validators.check_digit`` gives None) are skipped. The
planted discrepancy of each line is kept in a scratch table until its payments are written,
so the function returns the exact count of each kind (``reconcile_bench.py`` keeps the
Python generator for its exact-amount checks).
"""

from django.db import connection
from reconcile_data import DEC, JAN, PAID_NOT_DECLARED, PLANTED

from payers.validators import FIRST_WEIGHTS, SECOND_WEIGHTS

BLOCK = 1_000_000

def _weighted(weights):
    return " + ".join(f"{w} * substr(d, {i}, 1)::int" for i, w in enumerate(weights, 1))


# payers.validators.check_digit in SQL: first pass weights 1..11, second 3..11,1,2; -1 when
# both give 10 (no valid number with these 11 digits).
CHECK_DIGIT_SQL = f"""
CREATE OR REPLACE FUNCTION pg_temp.check_digit(d text) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN a < 10 THEN a WHEN b < 10 THEN b ELSE -1 END
    FROM (SELECT ({_weighted(FIRST_WEIGHTS)}) % 11 AS a,
                 ({_weighted(SECOND_WEIGHTS)}) % 11 AS b) w
$$
"""
# A БИН for serial s: YY MM 4 A SSSSS, unique for s < 120 000 000.
EMPLOYERS_SQL = """
INSERT INTO payers_organisation (bin, name, kind, region_id, created_at, updated_at)
SELECT first11 || pg_temp.check_digit(first11), 'ТОО «Бенч ' || (row_number() OVER (ORDER BY s) - 1)
       || '»', 'employer', (%(regions)s::bigint[])[1 + (row_number() OVER (ORDER BY s) - 1) %% %(nregions)s],
       now(), now()
FROM (SELECT s, lpad(((s / 1200000) %% 25)::text, 2, '0') || lpad((1 + (s / 100000) %% 12)::text,
             2, '0') || '4' || ((s / 30000000) %% 4)::text || lpad((s %% 100000)::text, 5, '0')
             AS first11
      FROM generate_series(1, %(candidates)s) s) c
WHERE pg_temp.check_digit(first11) >= 0
ORDER BY s LIMIT %(count)s
"""
# An ИИН for serial s: born 1950-01-01 + (s/2 mod 20 000) days, sex by parity, serial s/40 000.
IIN_CANDIDATES_SQL = """
SELECT s, born, sex, first11 || pg_temp.check_digit(first11) AS iin
FROM (SELECT s, born, sex, to_char(born, 'YYMMDD')
             || CASE WHEN born < date '2000-01-01' THEN (CASE sex WHEN 'M' THEN '3' ELSE '4' END)
                     ELSE (CASE sex WHEN 'M' THEN '5' ELSE '6' END) END
             || lpad((s / 40000)::text, 4, '0') AS first11
      FROM (SELECT s, date '1950-01-01' + ((s / 2) %% 20000)::int AS born,
                   CASE WHEN s %% 2 = 0 THEN 'M' ELSE 'F' END AS sex
            FROM generate_series(%(lo)s, %(hi)s - 1) s) b) c
WHERE pg_temp.check_digit(first11) >= 0
"""
PERSONS_SQL = """
INSERT INTO payers_person (iin, last_name, first_name, middle_name, birth_date, sex, citizenship,
    region_id, created_at, updated_at)
SELECT iin, 'Бенчев', 'Бенч', '', born, sex, 'citizen', (%(regions)s::bigint[])[1 + s %% %(nregions)s],
       now(), now()
FROM ({candidates}) c ORDER BY s LIMIT %(limit)s
"""
# One line per employee: the employer, the income, the planted kind (by the shares of
# reconcile_data.PLANTED) and what is declared and paid for each of the two kinds.
LINES_SQL = """
INSERT INTO bench_lines
SELECT n, person_id, iin, employer_id, employer_bin, income, kind,
       d121, d122,
       CASE kind WHEN 'declared_not_paid' THEN 0
                 WHEN 'underpaid' THEN round(d121 * (0.5 + random()::numeric * 0.49), 2)
                 ELSE d121 END AS p121,
       CASE kind WHEN 'overpaid' THEN d122 + 100 + floor(random() * 4900)::numeric ELSE d122 END AS p122
FROM (
    SELECT n, person_id, iin, employer_id, employer_bin, income, kind,
           CASE kind WHEN 'rate_misapplied'
                THEN round(least(income, %(max121)s) * %(rate121)s * 2 / 3, 2)
                ELSE round(least(income, %(max121)s) * %(rate121)s, 2) END AS d121,
           CASE kind WHEN 'cross_tax' THEN 0
                ELSE round(least(income, %(max122)s) * %(rate122)s, 2) END AS d122
    FROM (
        SELECT p.n, CASE WHEN p.kind = 'unknown_iin' THEN NULL ELSE p.id END AS person_id,
               CASE WHEN p.kind = 'unknown_iin' THEN u.iin ELSE p.iin END AS iin,
               e.id AS employer_id, e.bin AS employer_bin,
               CASE WHEN random() < 0.1 THEN 85000 + floor(random() * 3915000)
                    ELSE 85000 + floor(random() * 815000) END::numeric AS income,
               p.kind
        FROM (SELECT *, %(unknown_before)s + row_number() OVER (
                            PARTITION BY kind = 'unknown_iin' ORDER BY n) - 1 AS unknown_rank
              FROM (SELECT id, iin, id - %(first_id)s AS n, {kind_case} AS kind
                    FROM (SELECT id, iin, random() AS roll FROM payers_person
                          WHERE id >= %(first_id)s + %(lo)s AND id < %(first_id)s + %(hi)s) q
                   ) r) p
        JOIN bench_employers e ON e.n = p.n %% %(nemployers)s
        -- each «unknown ИИН» line its own ИИН (the pool holds more than the lines need)
        LEFT JOIN bench_unknown u ON u.n = p.unknown_rank %% %(nunknown)s
    ) x
) y
"""
DECLARATIONS_SQL = """
INSERT INTO reconciliation_declaration (employer_bin, iin, period, income, osms_deduction,
    osms_contribution, ipn, social_tax, opv, so, employer_id, person_id, row_no, import_run_id)
SELECT employer_bin, iin, %(jan)s, income, d121, d122, round(income * 0.10, 2),
       round(income * 0.09, 2), round(income * 0.10, 2), round(income * 0.05, 2), employer_id,
       person_id, n + 2, %(run)s
FROM bench_lines ORDER BY employer_bin, iin
"""
PAYMENTS_SQL = """
INSERT INTO payers_payment (person_id, iin, payer_code, period, kind, knp, amount, paid_on,
    document_no, note, posted_at)
SELECT person_id, iin, employer_bin,
       CASE WHEN kind = 'paid_other_period' THEN %(dec)s::date ELSE %(jan)s::date END,
       'employer_deduction', '121', p121, date '2026-02-20', 'BENCH-' || n || '-121', '', now()
FROM bench_lines WHERE n >= %(lo)s AND n < %(hi)s AND kind <> 'unknown_iin' AND p121 > 0
UNION ALL
SELECT person_id, iin, employer_bin, %(jan)s, 'employee_contribution', '122', p122,
       date '2026-02-20', 'BENCH-' || n || '-122', '', now()
FROM bench_lines WHERE n >= %(lo)s AND n < %(hi)s AND kind <> 'unknown_iin' AND p122 > 0
"""
# The persons after the declared employees: paid for (121 and 122) without a declaration.
UNDECLARED_SQL = """
INSERT INTO payers_payment (person_id, iin, payer_code, period, kind, knp, amount, paid_on,
    document_no, note, posted_at)
SELECT p.id, p.iin, e.bin, %(jan)s, v.kind, v.knp, v.amount, date '2026-02-20',
       'BENCH-X' || p.id || '-' || v.knp, '', now()
FROM (SELECT id, iin, floor(random() * %(nemployers)s)::int AS employer_n FROM payers_person
      WHERE id >= %(first_id)s + %(employees)s) p
JOIN bench_employers e ON e.n = p.employer_n
CROSS JOIN (VALUES ('employer_deduction', '121', 3000.00),
                   ('employee_contribution', '122', 2000.00)) v(kind, knp, amount)
"""


def _run(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _scalar(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def generate(*, employees, per_employer, terms, seed=2026, guard=None, progress=print):
    """Write the registry, January's declarations and their payments; returns (number of
    employers, {planted kind: count} as ``reconcile_data.generate`` counts them, payments)."""
    from django.utils import timezone

    from reconciliation.models import DeclarationImportRun

    guard = guard or (lambda stage: None)
    _run("SELECT setseed(%s)", [(seed % 1000) / 1000])
    _run(CHECK_DIGIT_SQL)
    regions = [row for row, in _rows("SELECT id FROM core_region ORDER BY kato")]
    where = {"regions": regions, "nregions": len(regions)}
    nemployers = max(1, employees // per_employer)
    _run(EMPLOYERS_SQL, {**where, "count": nemployers, "candidates": nemployers * 5 // 4 + 100})
    extra = int(employees * PAID_NOT_DECLARED)
    wanted, lo = employees + extra, 0
    while (have := _scalar("SELECT count(*) FROM payers_person")) < wanted:
        guard(f"persons {have:,} of {wanted:,}")
        hi = lo + min(2 * BLOCK, (wanted - have) * 6 // 5 + 1000)
        _run(PERSONS_SQL.format(candidates=IIN_CANDIDATES_SQL),
             {**where, "lo": lo, "hi": hi, "limit": wanted - have})
        lo = hi
        progress(f"  persons: {_scalar('SELECT count(*) FROM payers_person'):,} of {wanted:,}",
                 flush=True)
    # ИИНs nobody registered, for the «unknown ИИН» lines (0.2 % of the employees).
    nunknown = max(100, int(employees * 0.004))
    _run("CREATE TEMP TABLE bench_unknown AS SELECT row_number() OVER (ORDER BY s) - 1 AS n, iin "
         f"FROM ({IIN_CANDIDATES_SQL}) c ORDER BY s LIMIT %(limit)s",
         {"lo": lo, "hi": lo + 2 * nunknown + 100, "limit": nunknown})
    _run("CREATE TEMP TABLE bench_employers AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, "
         "id, bin FROM payers_organisation; CREATE UNIQUE INDEX ON bench_employers (n)")
    _run("CREATE UNLOGGED TABLE IF NOT EXISTS bench_lines (n bigint, person_id bigint, iin text,"
         " employer_id bigint, employer_bin text, income numeric, kind text, d121 numeric, "
         "d122 numeric, p121 numeric, p122 numeric); TRUNCATE bench_lines")
    t121, t122 = terms["employer_deduction"], terms["employee_contribution"]
    # The planted kind of a line by one draw, in the shares of reconcile_data.PLANTED.
    whens, total = [], 0.0
    for kind, share in PLANTED:
        total += share
        whens.append(f"WHEN roll < {total:.6f} THEN '{kind}'")
    lines_sql = LINES_SQL.format(kind_case=f"CASE {' '.join(whens)} ELSE 'clean' END")
    run = DeclarationImportRun.objects.create(
        file_name="bench", checksum="bench", size=0, source="command", status="done",
        progress=100, rows_read=employees, inserted=employees, started_at=timezone.now()).pk
    first_id = _scalar("SELECT min(id) FROM payers_person")
    payments = 0
    for lo in range(0, employees, BLOCK):
        guard(f"lines {lo:,} of {employees:,}")
        hi = min(lo + BLOCK, employees)
        # Persons were inserted in one session in ИИН-serial order: their ids are contiguous.
        _run(lines_sql, {
            "first_id": first_id, "lo": lo, "hi": hi, "nemployers": nemployers,
            "nunknown": nunknown, "unknown_before": _scalar(
                "SELECT count(*) FROM bench_lines WHERE kind = 'unknown_iin'"),
            "rate121": t121.rate, "max121": t121.max_base if t121.max_base else 10**12,
            "rate122": t122.rate, "max122": t122.max_base if t122.max_base else 10**12})
        payments += _run(PAYMENTS_SQL, {"jan": JAN, "dec": DEC, "lo": lo, "hi": hi})
        progress(f"  lines and their payments: {hi:,} of {employees:,}", flush=True)
    # The lines in БИН order, as the declarations import writes a file's new lines
    # (``reconciliation.importer.loading``): a reconciliation chunk's BIN range on its own pages.
    guard("declarations")
    _run(DECLARATIONS_SQL, {"jan": JAN, "run": run})
    progress("  declarations written in BIN order", flush=True)
    payments += _run(UNDECLARED_SQL, {"jan": JAN, "first_id": first_id, "employees": employees,
                                      "nemployers": nemployers})
    planted = dict(_rows("SELECT kind, count(*) FROM bench_lines WHERE kind <> 'clean' "
                         "GROUP BY kind"))
    planted["paid_not_declared"] = 2 * extra
    _run("DROP TABLE bench_lines; DROP TABLE bench_unknown; DROP TABLE bench_employers")
    _run("ANALYZE payers_person; ANALYZE payers_organisation; ANALYZE payers_payment; "
         "ANALYZE reconciliation_declaration")
    return nemployers, planted, payments


def _rows(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
