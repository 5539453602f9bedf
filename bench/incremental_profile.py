"""Where an incremental status run's time goes: ``python bench/incremental_profile.py
--database osms_bench_national [--k 11] [--explain]`` on a database kept by
``national.py --keep``.

Adds a payment for 1 % of the persons (``mod(id, 100) = k``; use a new ``k`` each time),
settles the database as the nightly run finds it, then runs the incremental recompute with
every SQL statement timed (``connection.execute_wrapper``) and prints the total, the number
of statements and the slowest fifteen. ``--explain`` also loads ``auto_explain`` for the
session (statements over 150 ms, with ANALYZE and BUFFERS) into the server's log.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="osms_bench_national")
    parser.add_argument("--k", type=int, default=11, help="The 1 %% of persons: mod(id, 100).")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    from _setup import use_database

    use_database(args.database)
    import national
    from django.db import connection

    records = []

    def timed_statement(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            records.append((time.perf_counter() - started, " ".join(sql.split())[:160]))

    national.settle()
    print(f"1 % change: {national.one_percent_change(args.k):,} payments", flush=True)
    national.settle()
    if args.explain:
        with connection.cursor() as cursor:
            for statement in ("LOAD 'auto_explain'", "SET auto_explain.log_min_duration = 150",
                              "SET auto_explain.log_analyze = on",
                              "SET auto_explain.log_buffers = on"):
                cursor.execute(statement)
    started = time.perf_counter()
    with connection.execute_wrapper(timed_statement):
        run = national.recompute()
    total = time.perf_counter() - started
    print(f"incremental run {total:.2f} s: {run.persons:,} persons in {run.chunks_total} "
          f"chunks; {len(records)} statements, {sum(r[0] for r in records):.2f} s; "
          f"load {os.getloadavg()[0]:.1f}")
    for seconds, sql in sorted(records, reverse=True)[:15]:
        print(f"{seconds:8.3f} s  {sql}")


if __name__ == "__main__":
    main()
