"""One incremental status chunk, this version's statement against another's, on the same
persons: ``python bench/status_chunk_ab.py --database osms_bench_national --against
old_recompute_sql.py [--rounds 12]`` on a database kept by ``national.py --keep``, where
``old_recompute_sql.py`` is another version of ``coverage/recompute_sql.py`` (``git show
<commit>:coverage/recompute_sql.py > old_recompute_sql.py``).

Each round takes 5 000 listed persons (every 200th id from an offset that changes each
round), each with a new payment month (February 2026, a positive net sum), and runs both
statements on them, alternately first, each in a transaction that is rolled back. It
prints each round's two times and whether both returned the same counts, then the medians.
"""

import argparse
import datetime
import importlib.util
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="osms_bench_national")
    parser.add_argument("--against", required=True, help="another recompute_sql.py")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--persons", type=int, default=5_000)
    args = parser.parse_args()
    from _setup import use_database

    use_database(args.database)
    from django.db import connection, transaction

    from coverage import recompute
    from coverage import recompute_sql as this
    from coverage.models import RecomputeChunk, RecomputeRun
    from osms.core.periods import month_index

    spec = importlib.util.spec_from_file_location("other_recompute_sql", args.against)
    other = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(other)
    run = RecomputeRun.objects.filter(status="done").first()
    month = month_index(datetime.date(2026, 2, 1))

    def once(offset, chunk_sql):
        ids = list(range(run.person_watermark - 200 * args.persons + offset,
                         run.person_watermark, 200))[:args.persons]
        chunk = RecomputeChunk(run=run, lo=min(ids), hi=max(ids) + 1, person_ids=ids,
                               person_sources=[0] * len(ids),  # touched by a payment only
                               fold_person_ids=ids, fold_months=[month] * len(ids),
                               fold_flags=[this.NET] * len(ids))
        params = recompute._params(run, chunk)
        statement = chunk_sql(incremental=True, retention_after=params["ret_after"])
        with transaction.atomic(), connection.cursor() as cursor:
            for setting in this.CHUNK_SETTINGS:
                cursor.execute(setting)
            started = time.perf_counter()
            cursor.execute(statement, params)
            counts = sorted(cursor.fetchall())
            took = time.perf_counter() - started
            transaction.set_rollback(True)
        return took, counts

    times = {"this": [], "other": []}
    for n in range(1, args.rounds + 1):
        order = [("other", other.chunk_sql), ("this", this.chunk_sql)]
        if n % 2:
            order.reverse()
        counts, line = {}, []
        for name, chunk_sql in order:
            took, counts[name] = once(n * 7 % 200, chunk_sql)
            times[name].append(took)
            line.append(f"{name} {took * 1000:.0f} ms")
        same = "same counts" if counts["this"] == counts["other"] else "COUNTS DIFFER"
        print(f"round {n}: {', '.join(line)}, {same}", flush=True)
    for name, values in times.items():
        print(f"{name}: median {statistics.median(values) * 1000:.0f} ms "
              f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})")


if __name__ == "__main__":
    main()
