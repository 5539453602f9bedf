"""Reconciliation benchmark: one month, set-based job against a per-employer ORM loop.

    python bench/reconcile_bench.py --employees 1000000

Creates (or reuses) the PostgreSQL database ``osms_bench_recon`` unless
DATABASE_URL is set, migrates it, generates a month (declarations for every
employee, payments, ~4.5 % planted discrepancies of every type plus undeclared
payments), runs ``reconcile_period`` once and checks the findings against what
was planted, then runs the naive per-employer ORM loop on a sample of
employers, checks it agrees with the job on that sample, and prints both
throughputs. ``--drop`` removes the database afterwards.

``--workers N`` adds the fan-out figures (``osms.core.fanout``) side by side, on the same
month: the run in one chunk, the run in ``2 N`` chunks done by one process, the same
chunks shared by N processes (each a process of its own claiming chunks, as Celery
workers do), and an incremental run of one employer (``employers=[BIN]``) against the
whole month, with the rows each wrote. Every variant must find what the first run found.
"""

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
BENCH_DB = "osms_bench_recon"


def setup_django(create):
    os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osms.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if create:
        import psycopg

        name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres",
                             autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()


def drop_database():
    import psycopg
    from django.db import connections

    connections.close_all()
    name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres",
                         autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def orm_loop(employer_bins, period):
    """The naive way: per employer, load lines and payments, compare row by row in Python."""
    from decimal import Decimal

    from osms.core.periods import add_months
    from payers.calculator import calculate
    from payers.models import Organisation, Payment, Person
    from reconciliation.models import Declaration
    from reconciliation.reconcile import rule_for

    rule = rule_for(period)
    tol = rule.tolerance
    found, rows = Counter(), 0
    for employer in Organisation.objects.filter(bin__in=employer_bins):
        lines = list(Declaration.objects.filter(employer=employer, period=period))
        persons = {p.iin: p for p in Person.objects.filter(iin__in=[d.iin for d in lines])}
        paid = Counter()
        # No index serves (payer_code, period) on the ledger: each employer scans the month.
        for p in Payment.objects.filter(payer_code=employer.bin, period=period,
                                        kind__in=("employer_deduction", "employee_contribution")):
            paid[(p.iin, p.kind)] += p.amount
        declared_keys = set()
        for d in lines:
            rows += 1
            declared_keys.add(d.iin)
            if d.iin not in persons:
                found["unknown_iin"] += 1
                continue
            calc = calculate(payer_type="employee", period=period, income=d.income)
            for kind, declared in (("employer_deduction", d.osms_deduction),
                                   ("employee_contribution", d.osms_contribution)):
                expected, got = calc.amount_of(kind), paid[(d.iin, kind)]
                if declared > tol and abs(declared - expected) > tol:
                    found["rate_misapplied"] += 1
                if declared <= tol and (d.opv > 0 or d.ipn > 0) and expected > tol:
                    found["cross_tax"] += 1
                if got > tol and declared - got > tol:
                    found["underpaid"] += 1
                if got - declared > tol:
                    found["overpaid"] += 1
                if declared > tol and got <= tol:
                    elsewhere = Payment.objects.filter(
                        person=persons[d.iin], payer_code=employer.bin, kind=kind,
                        period__gte=add_months(period, -rule.other_period_window),
                        period__lte=add_months(period, rule.other_period_window),
                    ).exclude(period=period)
                    sums = Counter()
                    for p in elsewhere:
                        sums[p.period] += p.amount
                    matches = [
                        month for month, value in sums.items()
                        if abs(value - declared) <= tol and not Declaration.objects.filter(
                            employer_bin=employer.bin, iin=d.iin, period=month).exists()
                    ]
                    found["paid_other_period" if matches else "declared_not_paid"] += 1
        for (iin, _kind), value in paid.items():
            if iin not in declared_keys and value > Decimal(tol):
                found["paid_not_declared"] += 1
    return found, rows


def _share(run_id):
    """A worker process: claim the run's chunks until none is left (as a Celery helper)."""
    from django.db import connections

    from reconciliation import reconcile
    from reconciliation.models import ReconciliationRun

    connections.close_all()
    reconcile.drain(ReconciliationRun.objects.get(pk=run_id))
    connections.close_all()


def fanout(*, workers, lines, reference, employer):
    """The run unchunked, chunked in one process, chunked in ``workers`` processes, and one
    employer's incremental run; prints seconds, lines/s and the rows written."""
    import multiprocessing

    import reconcile_data as data
    from django.db import connections

    from reconciliation import reconcile
    from reconciliation.models import CollectionPart, Discrepancy

    chunk = max(1, -(-lines // (2 * workers)))

    def check(label, run, seconds):
        same = run.by_type == reference
        print(f"{label}: {seconds:.2f} s = {run.declarations / seconds:,.0f} lines/s, "
              f"{run.chunks_total} chunks, same findings: {same}")
        return seconds

    timings = {}
    started = time.perf_counter()
    run = reconcile.reconcile_period(period=data.JAN, chunk_size=10 ** 12)
    timings["one chunk, one process"] = check("one chunk, one process", run,
                                              time.perf_counter() - started)
    started = time.perf_counter()
    run = reconcile.reconcile_period(period=data.JAN, chunk_size=chunk)
    timings["chunked, one process"] = check(f"{2 * workers} chunks, one process", run,
                                            time.perf_counter() - started)
    started = time.perf_counter()
    run = reconcile.run_open(period=data.JAN, chunk_size=chunk)
    connections.close_all()
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_share, args=(run.pk,)) for _ in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    run = reconcile.finish_if_complete(run)
    timings["chunked, workers"] = check(f"{2 * workers} chunks, {workers} processes", run,
                                        time.perf_counter() - started)
    print(f"speed-up of {workers} processes over one: "
          f"{timings['one chunk, one process'] / timings['chunked, workers']:.2f}× "
          f"(over the chunked run in one process: "
          f"{timings['chunked, one process'] / timings['chunked, workers']:.2f}×)")
    started = time.perf_counter()
    one = reconcile.reconcile_period(period=data.JAN, employers=[employer])
    seconds = time.perf_counter() - started
    stamped = Discrepancy.objects.filter(period=data.JAN, last_run=one).count()
    parts = CollectionPart.objects.filter(run=one).count()
    total = Discrepancy.objects.filter(period=data.JAN).count()
    print(f"one employer ({employer}) again: {seconds:.3f} s = "
          f"{100 * seconds / timings['one chunk, one process']:.2f} % of the whole month; "
          f"{one.declarations} lines read, {stamped} of {total:,} discrepancies and "
          f"{parts} collection parts written")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employees", type=int, default=1_000_000)
    parser.add_argument("--per-employer", type=int, default=20)
    parser.add_argument("--sample-employers", type=int, default=100)
    parser.add_argument("--reuse", action="store_true", help="Keep the data already generated.")
    parser.add_argument("--drop", action="store_true", help="Drop the database at the end.")
    parser.add_argument("--workers", type=int, default=0,
                        help="Also time the run fanned out to this many processes, and one "
                             "employer's incremental run.")
    args = parser.parse_args()
    setup_django(create=True)
    import reconcile_data as data
    from django.core.management import call_command
    from django.db import connection

    from reconciliation.models import Discrepancy
    from reconciliation.reconcile import reconcile_period
    from reconciliation.terms import employee_terms

    call_command("migrate", verbosity=0)
    print(f"database {connection.settings_dict['NAME']}, PostgreSQL "
          f"{connection.cursor().connection.info.server_version}")
    if not args.reuse:
        data.reset()
        started = time.perf_counter()
        employers, planted, payments = data.generate(
            employees=args.employees, per_employer=args.per_employer,
            terms=employee_terms(data.JAN),
        )
        print(f"generated {args.employees:,} declaration lines, {payments:,} payments, "
              f"{len(employers):,} employers in {time.perf_counter() - started:.1f} s")
        print("planted:", dict(sorted(planted.items())))
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT bin FROM payers_organisation ORDER BY id")
            employers = [row[0] for row in cursor.fetchall()]
        planted = None
    started = time.perf_counter()
    run = reconcile_period(period=data.JAN)
    job_seconds = time.perf_counter() - started
    job_rate = run.declarations / job_seconds
    print(f"set-based job: {run.declarations:,} lines in {job_seconds:.2f} s = "
          f"{job_rate:,.0f} lines/s; found {run.found:,}: {run.by_type}")
    if planted is not None:
        print("every planted discrepancy found, nothing else:", run.by_type == dict(planted))
    sample = employers[: args.sample_employers]
    started = time.perf_counter()
    loop_found, loop_rows = orm_loop(sample, data.JAN)
    loop_seconds = time.perf_counter() - started
    loop_rate = loop_rows / loop_seconds
    job_sample = Counter(
        Discrepancy.objects.filter(period=data.JAN, employer_bin__in=sample)
        .values_list("type", flat=True)
    )
    print(f"ORM loop on {len(sample)} employers: {loop_rows:,} lines in {loop_seconds:.2f} s = "
          f"{loop_rate:,.0f} lines/s; agrees with the job on the sample: "
          f"{loop_found == job_sample}")
    print(f"speed-up: {job_rate / loop_rate:,.0f}×")
    if args.workers:
        fanout(workers=args.workers, lines=run.declarations, reference=run.by_type,
               employer=employers[len(employers) // 2])
    if args.drop:
        drop_database()
        print("database dropped")


if __name__ == "__main__":
    main()
