"""Where a nightly job's time goes, statement by statement: ``python
bench/statement_profile.py --database osms_bench_national [--job incremental|reconcile|export]
[--k 14] [--format csv|xlsx] [--explain]`` on a database kept by ``national.py --keep``.

``incremental`` adds a payment for 1 % of the persons (``mod(id, 100) = k``; use a new
``k`` each time, with ``mod(k, 5) >= 3``: the others' persons were paid for by the month
file, and a payment for a paid month changes no status), settles the database as the
nightly run finds it, then runs the incremental status recompute. ``reconcile`` settles the
database and reconciles January 2026 (the month ``national.py`` generates declarations
for). ``export`` settles the database and exports February's payment list (as the last
step of ``national.py``) in ``--format``; the rows are read by a server-side cursor (csv:
one ``COPY``), so the statements listed are the counts, the file's bookkeeping and the
access log's rows. Every SQL statement is timed (``connection.execute_wrapper``);
``--first`` empties the worklist and the collections before a reconciliation (a month's first run). The script
prints the total, the number of statements, the slowest fifteen and the time by kind of
statement (its first words). ``--explain`` also loads ``auto_explain`` for the session
(statements over 150 ms, with ANALYZE and BUFFERS) into the server's log.
"""

import argparse
import datetime
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _run_job(job, k, first, file_format):
    import national

    if job == "reconcile" and first:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE reconciliation_discrepancyevent, reconciliation_discrepancy, "
                           "reconciliation_collectionpart, reconciliation_collectionsummary")
    national.settle()
    if job == "incremental":
        print(f"1 % change: {national.one_percent_change(k):,} payments", flush=True)
        national.settle()
        return lambda: national.recompute()
    if job == "export":
        from django.contrib.auth import get_user_model

        user, _ = get_user_model().objects.get_or_create(
            username="bench", defaults={"is_staff": True, "is_superuser": True})
        return lambda: national.export(user, file_format)
    from reconciliation.reconcile import reconcile_period

    return lambda: reconcile_period(period=datetime.date(2026, 1, 1))


def _describe(job, run):
    if job == "export":
        return f"{run:,} rows"
    if job == "incremental":
        return f"{run.persons:,} persons in {run.chunks_total} chunks"
    return f"{run.declarations:,} declaration lines in {run.chunks_total} chunks, {run.found:,} found"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="osms_bench_national")
    parser.add_argument("--job", choices=("incremental", "reconcile", "export"),
                        default="incremental")
    parser.add_argument("--format", choices=("csv", "xlsx"), default="xlsx",
                        help="export: the file's format")
    parser.add_argument("--k", type=int, default=14,
                        help="The 1 %% of persons: mod(id, 100); mod(k, 5) >= 3 (see above).")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--first", action="store_true",
                        help="reconcile: empty the worklist and collections first (a month's "
                             "first run, as in national.py)")
    args = parser.parse_args()
    from _setup import use_database

    use_database(args.database)
    from django.db import connection

    records = []

    def timed_statement(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            records.append((time.perf_counter() - started, " ".join(sql.split())[:160]))

    job = _run_job(args.job, args.k, args.first, args.format)
    if args.explain:
        with connection.cursor() as cursor:
            for statement in ("LOAD 'auto_explain'", "SET auto_explain.log_min_duration = 150",
                              "SET auto_explain.log_analyze = on",
                              "SET auto_explain.log_buffers = on"):
                cursor.execute(statement)
    started = time.perf_counter()
    with connection.execute_wrapper(timed_statement):
        run = job()
    total = time.perf_counter() - started
    print(f"{args.job} run {total:.2f} s: {_describe(args.job, run)}; {len(records)} statements, "
          f"{sum(r[0] for r in records):.2f} s; load {os.getloadavg()[0]:.1f}")
    for seconds, sql in sorted(records, reverse=True)[:15]:
        print(f"{seconds:8.3f} s  {sql}")
    by_kind = defaultdict(lambda: [0, 0.0])
    for seconds, sql in records:
        kind = " ".join(sql.split()[:4])
        by_kind[kind][0] += 1
        by_kind[kind][1] += seconds
    print("by kind (first words: count, seconds):")
    for kind, (count, seconds) in sorted(by_kind.items(), key=lambda item: -item[1][1])[:12]:
        print(f"{seconds:8.3f} s  {count:5d}×  {kind}")


if __name__ == "__main__":
    main()
