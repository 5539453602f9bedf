"""Benchmark of the insured-status recomputation: ``python bench/coverage_recompute.py --persons N``.

In its own PostgreSQL database (default ``osms_bench_coverage``, dropped at the end
unless ``--keep``; ``--reuse`` takes the population of a kept one) it generates with
SQL a population of N persons with 24 months of payments (≈ 18 per person: most pay
monthly, some stopped, some never paid), memberships for pensioners and students,
then measures in one run, with ``--workers`` processes sharing each run's chunks
(default 2, the machine's cores):

1. the first full run: the one-time fold of the ledger into the paid months
   (``coverage.fold``, timed separately) and every status and history row written;
2. a full re-run with nothing to change (also with 1 worker);
3. an incremental run after 1 % of the persons got a new payment;
4. a full run writing every row again with 1 worker (its ledger fold timed apart);
5. the per-person ORM loop (rules + ``update_or_create``) over a sample of 20,000
   persons (or fewer, ``--loop-budget`` seconds), extrapolated;

and prints per-person costs, the ratios, the load average and the extrapolation to
20 million persons. Each measured run starts right after a ``CHECKPOINT``.

Session 29, five fresh runs of ``--persons 1000000 --loop-budget 10`` (2 workers, load
1.3–1.5): full run 7.7–8.7 s writing every row; incremental 1 % 3.9 / 4.1 / 4.2 / 4.3 / 4.5 %
of it (goal ≤ 5 %; every single 1 % run ≤ 4.6 %); per-person loop 967–1 075× slower per
person. See ``bench/README.md``.
"""

import argparse
import datetime
import os
import statistics
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

# One day's imports: a new payment for 1 % of the persons (``%(k)s`` picks which 1 %).
NEW_PAYMENTS_SQL = """
INSERT INTO payers_payment (person_id, iin, payer_code, period, kind, knp, amount, paid_on,
    document_no, note, posted_at)
SELECT id, iin, iin, date '2026-11-01', 'self_payer', '122', 4250.00, date '2026-11-23',
       'N' || %(k)s || '-' || id, '', now()
FROM payers_person WHERE mod(id, 100) = %(k)s
"""
INCREMENTAL_REPEATS = 3  # the incremental run is measured this many times: the median counts
GENERATED_MONTHS = 25  # 2024-11 … 2026-11 (the 24 months generated and the new payments')


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
    from django.core.management import call_command

    call_command("migrate", "coverage", verbosity=0)


def reset_coverage():
    """Forget every status and run of a kept database and the 1 % new payments of its last
    benchmark (deleted with the ledger's immutability trigger off); returns the payments."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE coverage_coveragehistory, coverage_coveragestatus, "
                       "coverage_recomputechunk, coverage_recomputerun, coverage_paidmonths")
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM payers_payment WHERE document_no LIKE 'N%%'")
        deleted = cursor.rowcount
        cursor.execute("SET session_replication_role = DEFAULT")
        if deleted:
            cursor.execute("VACUUM ANALYZE payers_payment")
        cursor.execute("SELECT count(*) FROM payers_payment")
        return cursor.fetchone()[0]


def drop_database(name):
    import psycopg
    from django.db import connections

    connections.close_all()
    admin = psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def checkpoint():
    """Start a measured run right after a checkpoint, as the nightly run does in practice
    (its pages were last written the night before): every page it changes then writes
    its full image to the WAL once, and no run is measured half inside a checkpoint."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")


def settle():
    """Bring the database to the state a nightly run finds: yesterday's run and the day's
    imports vacuumed and analysed (autovacuum's work), then a checkpoint. A database fresh
    from generation has no visibility map and stale statistics, which no nightly run sees
    (issue 19: 12.8 % of the full run unsettled, 4.1 % settled)."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
    return time.perf_counter() - started


def timed(label, func):
    checkpoint()
    started = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - started
    print(f"{label}: {elapsed:.1f} s", flush=True)
    return result, elapsed


def generate(persons):
    from django.db import connection

    from osms.core.periods import add_months
    from payers.partitions import ledger_partitions_ensure

    # The ledger's monthly partitions of the generated months exist before it is loaded.
    first = datetime.date(2024, 11, 1)
    ledger_partitions_ensure(months=[add_months(first, n) for n in range(GENERATED_MONTHS)])
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
        cursor.execute("ALTER TABLE payers_payment ADD CONSTRAINT payment_source_row_unique "
                       "UNIQUE (period, person_id, knp, payer_code, document_no)")
        cursor.execute(MEMBERSHIPS_SQL)
        cursor.execute("SELECT count(*) FROM payers_payment")
        payments = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return payments


def _helper_setup():
    import django

    django.setup()
    from django.db import connection

    from coverage import recompute  # noqa: F401  (imported and connected before timing)

    connection.ensure_connection()


def _helper_drain(run_id):
    """The helper's share of a run; returns the number of chunks it processed."""
    from coverage import recompute
    from coverage.models import RecomputeRun

    run, done = RecomputeRun.objects.get(pk=run_id), 0
    while recompute.process_next_chunk(run):
        done += 1
    recompute.finish_if_complete(run)
    return done


class Workers:
    """``n`` − 1 helper processes that share each run's chunks with this one (SKIP LOCKED)."""

    def __init__(self, n):
        import multiprocessing

        self.n, self.pending, self.helped = n, [], 0
        self.pool = multiprocessing.get_context("spawn").Pool(
            n - 1, initializer=_helper_setup) if n > 1 else None

    def recompute(self, **options):
        from coverage.models import RecomputeRun
        from coverage.services import status_recompute

        started = time.perf_counter()
        self.open_seconds = None

        def start(run):
            if self.open_seconds is None:
                self.open_seconds = time.perf_counter() - started
            if self.pool:
                self.pending += [self.pool.apply_async(_helper_drain, (run.pk,))
                                 for _ in range(self.n - 1)]

        run = status_recompute(on_open=start, **options)
        self.helped = 0
        while self.pending:
            self.helped += self.pending.pop().get()
        self.drain_seconds = time.perf_counter() - started - (self.open_seconds or 0)
        return RecomputeRun.objects.get(pk=run.pk)

    def close(self):
        if self.pool is not None:
            self.pool.close()
            self.pool.join()


def fixed_costs(run, workers):
    """Where a run's time went: opening it (the settled watermark and moment, the fold of
    the new payments, finding the touched persons, cutting chunks: one transaction), then
    its chunks and the close."""
    return (f"opening {workers.open_seconds:.2f} s (fold {run.fold_seconds:.2f} s), "
            f"{run.chunks_total} chunk(s) and the close {workers.drain_seconds:.2f} s")


def per_person_loop(sample_size, on, budget):
    """The naïve way: one person at a time through the ORM (what the job must beat)."""
    from coverage.facts import person_facts, rulebook_on
    from coverage.models import CoverageStatus, RecomputeRun
    from coverage.rules import decide
    from payers.models import Person

    run = RecomputeRun.objects.filter(status=RecomputeRun.Status.DONE).first()
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


def load():
    return f"load {os.getloadavg()[0]:.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--chunk-size", type=int, help="Persons per chunk (default: the job's).")
    parser.add_argument("--workers", type=int, default=2,
                        help="Processes sharing each run's chunks (the 1-worker figures of the "
                             "full run are measured too).")
    parser.add_argument("--loop-budget", type=float, default=600,
                        help="Stop the per-person loop after this many seconds.")
    parser.add_argument("--database", default="osms_bench_coverage")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database.")
    parser.add_argument("--reuse", action="store_true",
                        help="Reuse the population of a kept database (skip generation).")
    args = parser.parse_args()
    on = datetime.date.fromisoformat(ON)
    if args.reuse:
        reuse_database(args.database)
    else:
        setup_database(args.database)
    from coverage.recompute import DEFAULT_CHUNK

    args.chunk_size = args.chunk_size or DEFAULT_CHUNK
    print(f"database {args.database}, {args.persons:,} persons, {args.workers} worker(s), "
          f"chunks of {args.chunk_size:,}, {load()}", flush=True)
    workers, single = Workers(args.workers), Workers(1)
    try:
        if args.reuse:
            payments = reset_coverage()
        else:
            payments, gen = timed("generate (SQL)", lambda: generate(args.persons))
        print(f"payments: {payments:,} rows", flush=True)
        options = {"on": on, "chunk_size": args.chunk_size}
        w = f"{args.workers} worker(s)"
        full, t_first = timed(f"full run (first, builds the paid months, writes every row; {w})",
                              lambda: workers.recompute(full=True, **options))
        print(f"  of which folding {full.folded_payments:,} ledger rows into paid months "
              f"(first run only): {full.fold_seconds:.1f} s; {load()}")
        print(f"  {full.persons:,} persons in {full.chunks_total} chunks ({workers.helped} by "
              f"the helpers), {full.changed:,} changes: {full.transitions}")
        _, t_refull = timed(f"full run (again, nothing changed; {w})",
                            lambda: workers.recompute(full=True, **options))
        t_refull_1 = t_refull
        if args.workers > 1:
            _, t_refull_1 = timed("full run (again, nothing changed; 1 worker)",
                                  lambda: single.recompute(full=True, **options))
        from django.db import connection

        print(f"settle (VACUUM ANALYZE, CHECKPOINT: what a nightly run finds): "
              f"{settle():.1f} s", flush=True)
        noop, t_noop = timed(f"incremental run with nothing new (its fixed costs; {w})",
                             lambda: workers.recompute(**options))
        print(f"  fixed costs: {noop.persons:,} persons rechecked, {noop.chunks_total} chunk(s)"
              f"; {fixed_costs(noop, workers)}")
        t_incs, inc = [], None
        for k in range(7, 7 + INCREMENTAL_REPEATS):
            with connection.cursor() as cursor:
                cursor.execute(NEW_PAYMENTS_SQL, {"k": k})
                touched = cursor.rowcount
            settle()  # the day's imports, then the night: as settle() says
            inc, t_inc = timed(f"incremental run after new payments for {touched:,} persons "
                               f"(1 %; {w})", lambda: workers.recompute(**options))
            t_incs.append(t_inc)
            print(f"  {inc.persons:,} persons looked at in {inc.chunks_total} chunk(s) "
                  f"({workers.helped} by the helpers), "
                  f"{inc.changed:,} changes: {inc.transitions}; {fixed_costs(inc, workers)}; "
                  f"{load()}")
        t_inc = statistics.median(t_incs)
        t_full = t_first - full.fold_seconds
        t_full_1 = t_full
        if args.workers > 1:
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE coverage_coveragehistory, coverage_coveragestatus")
            # the bits live in the status rows: truncated, the ledger is folded anew
            again, t_again = timed("full run writing every row again (1 worker; the ledger "
                                   "folded anew, timed apart)",
                                   lambda: single.recompute(rebuild=True, **options))
            t_full_1 = t_again - again.fold_seconds
            print(f"  {again.persons:,} persons, {again.changed:,} changes, fold "
                  f"{again.fold_seconds:.1f} s → {t_full_1:.1f} s without it; {load()}")
        sample, t_loop = per_person_loop(min(args.sample, args.persons), on,
                                         args.loop_budget)
        print(f"per-person ORM loop: {sample:,} persons in {t_loop:.1f} s; {load()}", flush=True)
        per_loop = t_loop / sample
        per_full = t_full / full.persons
        print("\n=== results ===")
        print(f"ledger fold into paid months (one-time, then incremental by payment id): "
              f"{full.fold_seconds:.1f} s for {payments:,} payments")
        print(f"full run, {w}: {t_full:.1f} s writing every row (first run {t_first:.1f} s "
              f"with the fold) for {full.persons:,} persons = {per_full * 1e6:.1f} µs/person; "
              f"re-run unchanged: {t_refull:.1f} s")
        if args.workers > 1:
            print(f"full run, 1 worker: {t_full_1:.1f} s writing every row; re-run unchanged: "
                  f"{t_refull_1:.1f} s")
        print(f"per-person loop: {per_loop * 1e3:.2f} ms/person → "
              f"{per_loop * full.persons:,.0f} s for {full.persons:,} persons")
        print(f"speed-up of the set-based job per person: {per_loop / per_full:.0f}× "
              f"({w}), {per_loop * full.persons / t_full_1:.0f}× (1 worker), "
              f"{per_loop * full.persons / t_refull:.0f}× (re-run)")
        print(f"incremental 1 % run, median of {len(t_incs)} "
              f"({', '.join(f'{t:.2f}' for t in t_incs)} s): {t_inc:.2f} s = "
              f"{100 * t_inc / t_full:.1f} % of the full run (goal ≤ 5 %), "
              f"{100 * t_inc / t_refull:.1f} % of the re-run (both {w}); fixed costs (a run "
              f"with nothing new) {t_noop:.2f} s = {100 * t_noop / t_full:.1f} %")
        scale = POPULATION / full.persons
        print(f"extrapolated to {POPULATION:,} persons: full {t_full * scale / 60:.1f} min "
              f"({w}; one-time fold {full.fold_seconds * scale / 60:.1f} min), re-run "
              f"{t_refull * scale / 60:.1f} min, incremental 1 % {t_inc * scale:.0f} s, "
              f"per-person loop {per_loop * POPULATION / 3600:.1f} h")
    finally:
        workers.close()
        if not args.keep:
            drop_database(args.database)


if __name__ == "__main__":
    main()
