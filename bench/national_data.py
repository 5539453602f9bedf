"""The population of ``bench/national.py``: N persons with 24 months of payments, a month of
declarations and category memberships, written on the server (COPY and INSERT … SELECT).

``national_registry.generate`` writes the registry (valid ИИН/БИН), one month of
declarations (January 2026, with planted discrepancies) and its payments (January 2026 and
December 2025) by ``INSERT … SELECT`` in blocks; the 22 months before come from one INSERT … SELECT per block of persons,
into the ledger's monthly partitions (created first), without the ledger's secondary
indexes, which are built once at the end.
"""

import datetime

from django.db import connection

from osms.core.periods import add_months

FIRST_MONTH = datetime.date(2024, 2, 1)  # 22 months of history: 2024-02 … 2025-11
HISTORY_MONTHS = 22
FILE_MONTH = datetime.date(2026, 2, 1)  # the month of the ingested file
HISTORY_SQL = """
INSERT INTO payers_payment (person_id, iin, payer_code, period, kind, knp, amount, paid_on,
    document_no, note, posted_at)
SELECT p.id, p.iin, '150340000019', m.period, 'employer_deduction', '121', 9000.00,
       (m.period + interval '1 month' + interval '20 days')::date,
       'H' || p.id || '-' || to_char(m.period, 'YYMM'), '', now()
FROM (SELECT id, iin, random() AS profile, floor(random() * 12)::int AS stopped
      FROM payers_person WHERE id >= %(lo)s AND id < %(hi)s) p
CROSS JOIN LATERAL (
    SELECT (%(first)s::date + make_interval(months => k))::date AS period, k
    FROM generate_series(0, %(months)s - 1) AS k) m
WHERE p.profile < 0.62
   OR (p.profile < 0.72 AND m.k < %(months)s - p.stopped)
   OR (p.profile < 0.80 AND random() < 0.6)
"""
MEMBERSHIPS_SQL = """
INSERT INTO coverage_categorymembership (person_id, category_id, starts_on, ends_on, source,
    document, changed_at)
SELECT p.id, c.id, p.birth_date + interval '62 years', NULL, 'feed', 'bench', now()
FROM payers_person p JOIN coverage_benefitcategory c ON c.code = 'pensioners'
WHERE p.birth_date < date '1964-11-23'
UNION ALL
SELECT p.id, c.id, date '2025-09-01', date '2027-06-30', 'feed', 'bench', now()
FROM payers_person p JOIN coverage_benefitcategory c ON c.code = 'students'
WHERE p.birth_date BETWEEN date '2004-01-01' AND date '2008-11-23' AND mod(p.id, 2) = 0
"""
# The month file: a 121 line for 60 % of the persons (the first of every five in three),
# as the State Corporation sends it (docs/formats/payments.md).
MONTH_FILE_SQL = """
COPY (
    SELECT e.bin AS payer_id, p.iin, p.last_name, p.first_name, %(period)s AS period,
           '121' AS knp, '9000.00' AS amount, %(paid_on)s AS paid_on,
           'F' || p.id AS document_no
    FROM payers_person p
    JOIN payers_organisation e ON e.id = (SELECT min(id) FROM payers_organisation)
    WHERE mod(p.id, 5) < 3
    ORDER BY p.id
) TO STDOUT WITH (FORMAT csv, HEADER)
"""
LEDGER_KEYS = ("payment_source_row_unique", "payment_person_period_idx")


def ledger_indexes(create):
    with connection.cursor() as cursor:
        if not create:
            cursor.execute("ALTER TABLE payers_payment DROP CONSTRAINT IF EXISTS "
                           "payment_source_row_unique")
            cursor.execute("DROP INDEX IF EXISTS payment_person_period_idx")
            return
        cursor.execute("CREATE INDEX IF NOT EXISTS payment_person_period_idx ON "
                       "payers_payment (person_id, period)")
        cursor.execute("ALTER TABLE payers_payment ADD CONSTRAINT payment_source_row_unique "
                       "UNIQUE (period, person_id, knp, payer_code, document_no)")


def generate(persons, *, seed=2026, guard=None, progress=print):
    """Write the population; returns (ledger rows, {planted discrepancy kind: count}). ``guard(stage)`` is called
    between blocks (the disk guard of ``national.py`` raises there); ``progress`` prints how
    far it got."""
    import time

    import national_registry

    from payers.partitions import ledger_partitions_ensure
    from reconciliation.terms import employee_terms

    months = [add_months(FIRST_MONTH, n) for n in range(HISTORY_MONTHS + 4)]
    ledger_partitions_ensure(months=months)
    ledger_indexes(create=False)
    guard = guard or (lambda stage: None)
    started = time.perf_counter()
    _, planted, _ = national_registry.generate(employees=persons, per_employer=20,
                               terms=employee_terms(national_registry.JAN), seed=seed,
                               guard=guard, progress=progress)
    progress(f"  planted discrepancies: {dict(sorted(planted.items()))}", flush=True)
    progress(f"  registry, declarations and two months of payments: "
             f"{time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM payers_person")
        lo, hi = cursor.fetchone()
        history_started, rows = time.perf_counter(), 0
        blocks = range(lo, hi + 1, 200_000)
        for n, start in enumerate(blocks, 1):
            guard(f"history block {n} of {len(blocks)}")
            cursor.execute(HISTORY_SQL, {"lo": start, "hi": start + 200_000,
                                         "first": FIRST_MONTH, "months": HISTORY_MONTHS})
            rows += cursor.rowcount
            if n % 10 == 0 or n == len(blocks):
                elapsed = time.perf_counter() - history_started
                progress(f"  history: {n} of {len(blocks)} blocks, {rows:,} rows in "
                         f"{elapsed:.0f} s = {rows / elapsed:,.0f} rows/s", flush=True)
        cursor.execute(MEMBERSHIPS_SQL)
    guard("the ledger's indexes")
    ledger_indexes(create=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT count(*) FROM payers_payment")
        return cursor.fetchone()[0], planted


def write_month_file(path, month=FILE_MONTH):
    """The month file (CSV) of ``month``; returns its number of rows."""
    paid_on = (add_months(month, 1) + datetime.timedelta(days=9)).isoformat()
    rows = 0
    with open(path, "wb") as handle, connection.cursor() as cursor:
        with cursor.cursor.copy(MONTH_FILE_SQL, {"period": f"{month:%m%Y}",
                                                 "paid_on": paid_on}) as copy:
            for block in copy:
                handle.write(block)
                rows += bytes(block).count(b"\n")
    return rows - 1


def drop_month(month):
    """Empty the ledger of ``month`` (its partition dropped and made again) and its runs'
    rejects and suspense: the next ingest of the same file starts from the same ledger."""
    from payers.partitions import ledger_partitions_ensure, partition_name

    with connection.cursor() as cursor:
        name = partition_name(month)
        cursor.execute(f"ALTER TABLE payers_payment DETACH PARTITION {name}")
        cursor.execute(f"DROP TABLE {name}")
        cursor.execute("TRUNCATE payers_paymentreject, payers_suspensepayment")
    ledger_partitions_ensure(months=[month])


def fill_ledger(rows_wanted, *, first=datetime.date(2017, 1, 1)):
    """Grow the ledger to about ``rows_wanted`` rows with older months (one INSERT … SELECT
    per month, all persons paying), for the ingest-vs-ledger-size measurement."""
    from payers.partitions import ledger_partitions_ensure

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM payers_payment")
        have = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM payers_person")
        persons = cursor.fetchone()[0]
    month = first
    while have < rows_wanted:
        ledger_partitions_ensure(months=[month])
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM payers_payment WHERE period = "
                           f"'{month}')")
            if not cursor.fetchone()[0]:
                cursor.execute(
                    "INSERT INTO payers_payment (person_id, iin, payer_code, period, kind, knp,"
                    " amount, paid_on, document_no, note, posted_at) "
                    "SELECT id, iin, '150340000019', %s, 'employer_deduction', '121', 9000, "
                    "%s, 'OLD' || id, '', now() FROM payers_person ORDER BY id LIMIT %s",
                    [month, month, rows_wanted - have])
                have += cursor.rowcount
        month = add_months(month, 1)
        if month >= FIRST_MONTH and have < rows_wanted:
            raise RuntimeError(f"{persons:,} persons cannot fill {rows_wanted:,} rows before "
                               f"{FIRST_MONTH:%Y-%m}: ask for fewer rows or more persons")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE payers_payment")
        cursor.execute("CHECKPOINT")
    return have
