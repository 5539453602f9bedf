"""Benchmark of the insured-status recomputation: ``python bench/coverage_recompute.py --persons N``.

In its own PostgreSQL database (default ``osms_bench_coverage``, dropped at the end
unless ``--keep``) it generates with SQL a population of N persons with 24 months
of payments (≈ 20 per person: most pay monthly, some stopped, some never paid),
memberships for pensioners and others, then measures in one run:

1. the full set-based recomputation (``coverage.recompute``), first and re-run;
2. an incremental run after 1 % of the persons got a new payment;
3. the per-person ORM loop (rules + ``update_or_create``) over a sample of 20,000
   persons (or fewer), extrapolated;

and prints per-person costs, the ratios and the extrapolation to 20 million.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ON = "2026-11-23"
POPULATION = 20_000_000

PERSONS_SQL = """
INSERT INTO payers_person (iin, last_name, first_name, middle_name, birth_date, sex,
    citizenship, region_id, death_date, created_at, updated_at)
SELECT lpad(g::text, 12, '0'), 'Бенч', 'Тест', '',
       date '2026-11-23' - (floor(power(random(), 0.9) * 90 * 365))::int,
       CASE WHEN random() < 0.5 THEN 'M' ELSE 'F' END,
       CASE WHEN random() < 0.97 THEN 'citizen' WHEN random() < 0.5 THEN 'kandas'
            ELSE 'foreign_temporary' END,
       (SELECT array_agg(id) FROM core_region)[1 + floor(random() * 20)::int],
       CASE WHEN random() < 0.002 THEN date '2026-06-01' END, now(), now()
FROM generate_series(1, %(n)s) AS g
"""

# profile: 0–0.62 monthly payer all 24 months; 0.62–0.72 stopped some months ago;
# 0.72–0.80 irregular (~60 % of months); the rest no payments (children, pensioners…)
PAYMENTS_SQL = """
INSERT INTO payers_payment (person_id, iin, payer_code, period, kind, knp, amount, paid_on,
    document_no, note, posted_at)
SELECT p.id, p.iin, '150340000019', m.period,
       CASE WHEN p.profile < 0.5 THEN 'employer_deduction' ELSE 'self_payer' END,
       CASE WHEN p.profile < 0.5 THEN '121' ELSE '122' END,
       CASE WHEN p.profile < 0.5 THEN 9000.00 ELSE 4250.00 END,
       (m.period + interval '1 month' + interval '20 days')::date,
       'B' || p.id || '-' || to_char(m.period, 'YYMM'), '', now()
FROM (SELECT id, iin, random() AS profile, floor(random() * 12)::int AS stopped
      FROM payers_person WHERE id >= %(lo)s AND id < %(hi)s) p
CROSS JOIN LATERAL (
    SELECT (date '2024-11-01' + make_interval(months => k))::date AS period, k
    FROM generate_series(0, 23) AS k) m
WHERE p.profile < 0.62
   OR (p.profile < 0.72 AND m.k < 24 - p.stopped)
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

NEW_PAYMENTS_SQL = """
INSERT INTO payers_payment (person_id, iin, payer_code, period, kind, knp, amount, paid_on,
    document_no, note, posted_at)
SELECT id, iin, iin, date '2026-11-01', 'self_payer', '122', 4250.00, date '2026-11-23',
       'N' || id, '', now()
FROM payers_person WHERE mod(id, 100) = 7
"""


def setup_database(name):
    import psycopg

    admin = psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osms.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def reuse_database(name):
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osms.settings")
    import django

    django.setup()


def reset_coverage():
    """Forget every status and run of a kept database; returns the number of payments."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE coverage_coveragehistory, coverage_coveragestatus, "
                       "coverage_recomputechunk, coverage_recomputerun, coverage_paidmonth")
        cursor.execute("SELECT count(*) FROM payers_payment WHERE document_no LIKE 'N%%'")
        if cursor.fetchone()[0]:
            raise SystemExit("The kept database already has the 1 % new payments: regenerate.")
        cursor.execute("SELECT count(*) FROM payers_payment")
        return cursor.fetchone()[0]


def drop_database(name):
    import psycopg
    from django.db import connections

    connections.close_all()
    admin = psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def timed(label, func):
    started = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - started
    print(f"{label}: {elapsed:.1f} s", flush=True)
    return result, elapsed


def generate(persons):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(PERSONS_SQL, {"n": persons})
        cursor.execute("DROP INDEX IF EXISTS payment_person_period_idx")
        cursor.execute("ALTER TABLE payers_payment DROP CONSTRAINT IF EXISTS "
                       "payment_source_row_unique")
        cursor.execute("SELECT min(id), max(id) FROM payers_person")
        lo, hi = cursor.fetchone()
        step = 200_000
        for start in range(lo, hi + 1, step):
            cursor.execute(PAYMENTS_SQL, {"lo": start, "hi": start + step})
        cursor.execute("CREATE INDEX payment_person_period_idx ON payers_payment "
                       "(person_id, period)")
        cursor.execute(MEMBERSHIPS_SQL)
        cursor.execute("SELECT count(*) FROM payers_payment")
        payments = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return payments


def per_person_loop(sample_size, on, budget):
    """The naïve way: one person at a time through the ORM (what the job must beat)."""
    from coverage.facts import person_facts, rulebook_on
    from coverage.models import CoverageStatus, RecomputeRun
    from coverage.rules import decide
    from payers.models import Person

    run = RecomputeRun.objects.create(on=on, mode=RecomputeRun.Mode.FULL)
    step = max(Person.objects.count() // sample_size, 1)
    ids = list(Person.objects.order_by("id").values_list("id", flat=True)[::step][:sample_size])
    started, done = time.perf_counter(), 0
    for person in Person.objects.filter(id__in=ids).iterator(chunk_size=2000):
        if time.perf_counter() - started > budget:
            break
        done += 1
        decision = decide(person_facts(person), on=on, book=rulebook_on(on))
        CoverageStatus.objects.update_or_create(person=person, defaults={
            "as_of": on, "insured": decision.insured, "basis": decision.basis or "",
            "valid_until": decision.valid_until, "run": run,
            "category_code": decision.category.code if decision.category else "",
        })
    return done, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--chunk-size", type=int, default=50_000)
    parser.add_argument("--loop-budget", type=float, default=600,
                        help="Stop the per-person loop after this many seconds.")
    parser.add_argument("--database", default="osms_bench_coverage")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database.")
    parser.add_argument("--reuse", action="store_true",
                        help="Reuse the population of a kept database (skip generation).")
    args = parser.parse_args()
    import datetime

    on = datetime.date.fromisoformat(ON)
    print(f"database {args.database}, {args.persons:,} persons", flush=True)
    if args.reuse:
        reuse_database(args.database)
    else:
        setup_database(args.database)
    try:
        if args.reuse:
            payments = reset_coverage()
        else:
            payments, gen = timed("generate (SQL)", lambda: generate(args.persons))
        print(f"payments: {payments:,} rows", flush=True)
        from coverage.services import status_recompute

        full, t_full = timed("full run (first, writes every row)", lambda: status_recompute(
            on=on, full=True, chunk_size=args.chunk_size))
        print(f"  of which folding {full.folded_payments:,} ledger rows into paid months "
              f"(first run only): {full.fold_seconds:.1f} s")
        print(f"  {full.persons:,} persons, {full.changed:,} changes: {full.transitions}")
        _, t_refull = timed("full run (again, nothing changed)", lambda: status_recompute(
            on=on, full=True, chunk_size=args.chunk_size))
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(NEW_PAYMENTS_SQL)
            touched = cursor.rowcount
        inc, t_inc = timed(f"incremental run after new payments for {touched:,} persons (1 %)",
                           lambda: status_recompute(on=on, chunk_size=args.chunk_size))
        print(f"  {inc.persons:,} persons looked at, {inc.changed:,} changes: {inc.transitions}")
        sample, t_loop = per_person_loop(min(args.sample, args.persons), on,
                                         args.loop_budget)
        print(f"per-person ORM loop: {sample:,} persons in {t_loop:.1f} s", flush=True)
        t_first = t_full
        t_full = t_first - full.fold_seconds
        per_loop = t_loop / sample
        per_full = t_full / full.persons
        print("\n=== results ===")
        print(f"ledger fold (one-time, then incremental by payment id): {full.fold_seconds:.1f} s "
              f"for {payments:,} payments")
        print(f"full run: {t_full:.1f} s (first run {t_first:.1f} s with the fold) for "
              f"{full.persons:,} persons = "
              f"{per_full * 1e6:.1f} µs/person (re-run unchanged: {t_refull:.1f} s)")
        print(f"per-person loop: {per_loop * 1e3:.2f} ms/person → "
              f"{per_loop * full.persons:,.0f} s for {full.persons:,} persons")
        print(f"speed-up of the set-based job per person: {per_loop / per_full:.0f}×")
        print(f"incremental 1 % run: {t_inc:.2f} s = {100 * t_inc / t_full:.1f} % of the full run")
        scale = POPULATION / full.persons
        print(f"extrapolated to {POPULATION:,} persons: full {t_full * scale / 60:.1f} min, "
              f"incremental 1 % {t_inc * scale:.0f} s, per-person loop "
              f"{per_loop * POPULATION / 3600:.1f} h")
    finally:
        if not args.keep:
            drop_database(args.database)


if __name__ == "__main__":
    main()
