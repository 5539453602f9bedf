"""The national-scale benchmark: ``python bench/national.py --persons N``.

In its own PostgreSQL database (``--database``, default ``osms_bench_national``, made anew
unless ``--reuse``; dropped at the end unless ``--keep``) it generates N persons with 24
months of payments (about 20 ledger rows per person), a month of declarations (January
2026, N lines) and pensioner/student memberships at COPY speed (``national_data``), brings
the database to the state a nightly run finds (VACUUM ANALYZE, CHECKPOINT), then times the
nightly chain, each step after a CHECKPOINT:

1. the first full status run (the one-time fold of the ledger timed apart);
2. ingest of a month file (February 2026, 0.6 N rows) by the real import
   (``payers.imports.payment_import``), then the incremental status run it causes;
3. an incremental run after a 1 % change (median of three) and a full re-run: the ratio.
   Before each incremental run the database is settled again after the change: the
   nightly run finds the day's imports vacuumed and written out by a checkpoint;
4. reconciliation of January 2026 (``reconcile_period``);
5. admin list pages (median of ``--repeat``): persons (first page, region, ИИН, last-name
   prefix), payments (first page, ИИН search, KNP filter), statuses and status history
   (ИИН), declarations and discrepancies (first page, ИИН);
6. ``--lookups`` status API lookups (p50/p99, in-process client);
7. the size of each big table and of its indexes (bytes per row);
8. last, the longest: a filtered export of the payment list (the February month, up to
   0.6 N rows) as csv and xlsx through the export service.

``--reuse`` skips the generation and settles the kept database first. ``--min-free-gb``
(10) stops between blocks and steps when the database's disk runs short, and prints how
far the run got (the 20 M attempt).

``--ingest-sizes 0,20000000,90000000`` measures instead the ingest of the same month file
into ledgers already holding about that many rows (older months filled by SQL), with
``bulk_create`` of the first ``--bulk-rows`` rows beside it (issue 19, item 2).
"""

import argparse
import datetime
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BIG_TABLES = ("payers_person", "payers_payment", "coverage_coveragestatus",
              "coverage_coveragehistory", "coverage_categorymembership",
              "reconciliation_declaration", "reconciliation_discrepancy", "payers_arrear",
              "exports_exportjob", "core_personaldataaccess")
# Leaf tables of a partitioned table, or the table itself.
SIZES_SQL = """
SELECT count(*)::bigint, sum(pg_table_size(c.oid))::bigint, sum(pg_indexes_size(c.oid))::bigint
FROM pg_class c
WHERE c.relkind = 'r' AND (c.oid = %(table)s::regclass OR c.oid IN (
    SELECT relid FROM pg_partition_tree(%(table)s::regclass)))
"""


class OutOfDisk(RuntimeError):
    """Raised between steps when the database's disk has less free space than asked."""


def free_gb():
    """Free space on the disk of the PostgreSQL data directory (this machine's server)."""
    import shutil

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        path = cursor.fetchone()[0]
    try:
        return shutil.disk_usage(path).free / 2**30
    except OSError:  # a server elsewhere: the disk we can see
        return shutil.disk_usage("/").free / 2**30


def disk_guard(min_free_gb):
    def guard(stage):
        free = free_gb()
        if free < min_free_gb:
            raise OutOfDisk(f"stopped before {stage}: {free:.1f} GB free, fewer than "
                            f"--min-free-gb {min_free_gb}")
    return guard


def load():
    return f"load {os.getloadavg()[0]:.1f}"


def disk_io():
    """(bytes read, bytes written) by this machine's disks since boot, from
    ``/proc/diskstats`` (sectors of 512 bytes), or None where there is no such file. Reads
    from disk rather than from the OS page cache tell whether a step outgrew memory."""
    try:
        lines = Path("/proc/diskstats").read_text().splitlines()
    except OSError:
        return None
    read = written = 0
    for line in lines:
        fields = line.split()
        if re.fullmatch(r"(?:[shv]d|xvd)[a-z]+|nvme\d+n\d+", fields[2]):
            read, written = read + int(fields[5]) * 512, written + int(fields[9]) * 512
    return read, written


def checkpoints_requested():
    """Checkpoints the server started because the WAL reached ``max_wal_size`` (or asked
    for): each one makes the next change of every page write its full image again."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT checkpoints_req FROM pg_stat_bgwriter")
        return cursor.fetchone()[0]


def io_note(before, checkpoints_before):
    after = disk_io()
    # The step's own CHECKPOINT before it started is counted before ``checkpoints_before``.
    note = f"; {checkpoints_requested() - checkpoints_before} checkpoint(s) during the step"
    if before is None or after is None:
        return note
    return (note + f", disk read {(after[0] - before[0]) / 2**20:,.0f} MB, "
            f"written {(after[1] - before[1]) / 2**20:,.0f} MB")


def checkpoint():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")


def timed(label, func, results, guard=None):
    if guard is not None:
        guard(label)
    checkpoint()
    io_before, checkpoints_before = disk_io(), checkpoints_requested()
    started = time.perf_counter()
    value = func()
    elapsed = time.perf_counter() - started
    results[label] = elapsed
    print(f"{label}: {elapsed:.2f} s; {load()}{io_note(io_before, checkpoints_before)}",
          flush=True)
    return value


def settle():
    """The state a nightly run finds: the day's imports vacuumed and analysed (autovacuum's
    work) and written out by a checkpoint, so the run's time is its own, not the flushing of
    pages the imports left dirty."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")


def recompute(**options):
    from coverage.services import status_recompute

    return status_recompute(on=datetime.date(2026, 2, 25), chunk_size=100_000, **options)


# The 1 % changes: the persons with mod(id, 100) = k get a February payment. Each k leaves
# mod(id, 5) >= 3, persons the month file did not pay for February (``national_data``): a
# k of the file's persons (7, 11, 12…) only pays a paid month again, so no status changes
# and the run is cheaper than a day's real change (sessions 25–29 used 7, 8, 9).
CHANGE_KS = (8, 9, 13)


def one_percent_change(k):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO payers_payment (person_id, iin, payer_code, period, kind, knp, amount,"
            " paid_on, document_no, note, posted_at) SELECT id, iin, iin, date '2026-02-01', "
            "'self_payer', '122', 4250, date '2026-02-20', 'N' || %s || '-' || id, '', now() "
            "FROM payers_person WHERE mod(id, 100) = %s", [k, k])
        return cursor.rowcount


def export(user, file_format):
    from django.contrib import admin

    from osms.exports.services import export_request
    from payers.models import Payment

    job = export_request(acting_user=user, model_admin=admin.site._registry[Payment],
                         querystring="period__gte=2026-02-01&period__lt=2026-03-01",
                         file_format=file_format)
    assert job.status == "done", job.error
    Path(job.file.path).unlink()
    return job.rows_done


def pages(client, repeat, results):
    from django.urls import reverse

    from osms.core.models import Region
    from payers.models import Person

    person = Person.objects.order_by("id")[Person.objects.count() // 2]
    region = Region.objects.get(kato="750000000")
    cases = [
        ("persons: first page", "payers_person", {}),
        ("persons: region filter", "payers_person", {"region__id__exact": region.pk}),
        # An exact ИИН opens the person's page (a redirect, followed): both are timed.
        ("persons: ИИН search → person page", "payers_person", {"q": person.iin}),
        ("persons: last-name prefix", "payers_person", {"q": person.last_name[:4]}),
        ("payments: first page", "payers_payment", {}),
        ("payments: ИИН search", "payers_payment", {"q": person.iin}),
        ("payments: KNP 121 filter", "payers_payment", {"knp": "121"}),
        ("payments: KNP 123 filter (rare)", "payers_payment", {"knp": "123"}),
        ("statuses: ИИН search", "coverage_coveragestatus", {"q": person.iin}),
        ("status history: ИИН search", "coverage_coveragehistory", {"q": person.iin}),
        ("declarations: first page", "reconciliation_declaration", {}),
        ("declarations: ИИН search", "reconciliation_declaration", {"q": person.iin}),
        ("discrepancies: first page", "reconciliation_discrepancy", {}),
        ("discrepancies: ИИН search", "reconciliation_discrepancy", {"q": person.iin}),
        ("payment rejects: first page", "payers_paymentreject", {}),
        ("suspense: first page", "payers_suspensepayment", {}),
        ("exports: first page", "exports_exportjob", {}),
    ]
    for label, changelist, params in cases:
        url = reverse(f"admin:{changelist}_changelist")
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url, params, follow=True)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (label, response.status_code)
        results[f"page {label}"] = statistics.median(times)
        print(f"page {label}: {statistics.median(times) * 1e3:.0f} ms (median of {repeat})",
              flush=True)


def lookups(user, count, results):
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from coverage.api import CoverageStatusView
    from payers.models import Person

    CoverageStatusView.throttle_classes = []  # the benchmark measures the lookup, not limits
    token, _ = Token.objects.get_or_create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    iins = list(Person.objects.order_by("?").values_list("iin", flat=True)[:count])
    times = []
    for iin in iins:
        started = time.perf_counter()
        response = client.get(f"/api/v1/coverage/{iin}/")
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    times.sort()
    p50, p99 = times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))]
    results["status API p50"], results["status API p99"] = p50, p99
    print(f"status API: {len(times)} lookups, p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms",
          flush=True)


def sizes():
    from django.db import connection

    print("\ntable                            rows        table MB   index MB  bytes/row")
    with connection.cursor() as cursor:
        for table in BIG_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            rows = cursor.fetchone()[0]
            cursor.execute(SIZES_SQL, {"table": table})
            parts, heap, index = cursor.fetchone()
            per_row = (heap + index) / rows if rows else 0
            note = f" ({parts} partitions)" if parts > 1 else ""
            print(f"{table:<30} {rows:>12,} {heap / 2**20:>10.1f} {index / 2**20:>10.1f} "
                  f"{per_row:>10.0f}{note}")


def nightly(args, results, guard=None, planted=None):
    from django.db import connection
    from national_data import write_month_file

    from osms.core.models import User
    from payers.imports import payment_import
    from reconciliation.reconcile import reconcile_period

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database()), "
                       "current_setting('shared_buffers'), current_setting('max_wal_size')")
        size, buffers, max_wal = cursor.fetchone()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    print(f"database {size / 2**30:.1f} GB; machine memory {memory / 2**30:.1f} GB "
          "(steps that read more than the OS can cache read from disk: see each step's "
          f"disk figures); shared_buffers {buffers}, max_wal_size {max_wal}", flush=True)
    full = timed("full status run (first, with the one-time fold)",
                 lambda: recompute(full=True), results, guard)
    print(f"  {full.persons:,} persons; fold {full.fold_seconds:.1f} s", flush=True)
    path = Path(tempfile.mkdtemp()) / "payments-2026-02.csv"
    rows = write_month_file(path)
    settle()
    run = timed(f"ingest of the month file ({rows:,} rows)",
                lambda: payment_import(path=str(path)), results, guard)
    assert run.status == "done", run.error
    print(f"  {run.loaded:,} posted = {run.loaded / results[next(reversed(results))]:,.0f} "
          "rows/s", flush=True)
    settle()  # the file's rows written and vacuumed before the night's run
    inc = timed("incremental status run after the month file", recompute, results, guard)
    print(f"  {inc.persons:,} persons in {inc.chunks_total} chunks", flush=True)
    incs = []
    for number, k in enumerate(CHANGE_KS, start=1):
        one_percent_change(k)
        settle()  # the day's imports written and vacuumed before the night's run
        run = timed(f"incremental status run after a 1 % change (#{number})", recompute,
                    results, guard)
        incs.append(results[next(reversed(results))])
        print(f"  {run.persons:,} persons in {run.chunks_total} chunks, {run.changed:,} "
              "statuses changed", flush=True)
    settle()
    timed("full status run (again)", lambda: recompute(full=True), results, guard)
    t_full = results["full status run (first, with the one-time fold)"] - full.fold_seconds
    print(f"  incremental 1 %: median {statistics.median(incs):.2f} s = "
          f"{100 * statistics.median(incs) / t_full:.1f} % of the first full run without "
          f"its fold ({t_full:.1f} s)", flush=True)
    recon = timed("reconciliation of 2026-01",
                  lambda: reconcile_period(period=datetime.date(2026, 1, 1)), results, guard)
    print(f"  {recon.declarations:,} declaration lines, {recon.found:,} found", flush=True)
    if planted is not None:
        print(f"  every planted discrepancy found, nothing else: {recon.by_type == planted}",
              flush=True)
    user, _ = User.objects.get_or_create(username="bench", defaults={"is_staff": True})
    user.is_superuser = user.is_staff = True
    user.save()
    from django.test import Client

    client = Client()
    client.force_login(user)
    pages(client, args.repeat, results)
    lookups(user, args.lookups, results)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    sizes()
    # Last: the longest steps (0.6 N rows each), after the figures every operator sees.
    for fmt in ("csv", "xlsx"):
        done = timed(f"export of the payment list, one month ({fmt})",
                     lambda fmt=fmt: export(user, fmt), results, guard)
        print(f"  {done:,} rows", flush=True)


def ingest_sizes(args):
    from django.db import connection
    from national_data import FILE_MONTH, drop_month, fill_ledger, write_month_file
    from payments_ingest import run_bulk_create

    from payers.imports import payment_import

    path = Path(tempfile.mkdtemp()) / "payments-2026-02.csv"
    rows = write_month_file(path)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE payers_payment, reconciliation_discrepancyevent, "
                       "reconciliation_discrepancy")
    first = None
    for size in sorted(int(s) for s in args.ingest_sizes.split(",")):
        have = fill_ledger(size)
        checkpoint()
        started = time.perf_counter()
        run = payment_import(path=str(path))
        elapsed = time.perf_counter() - started
        assert run.status == "done" and run.loaded == rows, (run.status, run.error)
        drop_month(FILE_MONTH)
        checkpoint()
        bulk, bulk_s = run_bulk_create(str(path), args.bulk_rows, 5000)
        drop_month(FILE_MONTH)
        rate = rows / elapsed
        first = first or rate
        print(f"ledger {have:>13,} rows: import {rows:,} rows in {elapsed:.1f} s = "
              f"{rate:,.0f} rows/s ({100 * rate / first:.0f} % of the first); bulk_create "
              f"{bulk:,} rows = {bulk / bulk_s:,.0f} rows/s; {load()}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--database", default="osms_bench_national")
    parser.add_argument("--reuse", action="store_true", help="Keep the population of a kept "
                        "database (skip generation; the nightly chain runs on what is there).")
    parser.add_argument("--keep", action="store_true", help="Keep the database.")
    parser.add_argument("--repeat", type=int, default=3, help="Times each page is loaded.")
    parser.add_argument("--lookups", type=int, default=1000, help="Status API lookups.")
    parser.add_argument("--ingest-sizes", help="Comma-separated ledger sizes (rows): measure "
                        "the month file's ingest at each instead of the nightly chain.")
    parser.add_argument("--bulk-rows", type=int, default=100_000,
                        help="Rows loaded by bulk_create beside each ingest (--ingest-sizes).")
    parser.add_argument("--min-free-gb", type=float, default=10,
                        help="Stop (and report how far it got) when the database's disk has "
                        "less free space than this, checked between blocks and steps.")
    args = parser.parse_args()
    os.environ.update(DEBUG="false", SECURE_SSL_REDIRECT="false", SESSION_COOKIE_SECURE="false",
                      CSRF_COOKIE_SECURE="false", ALLOWED_HOSTS="testserver",
                      STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage")
    from _setup import use_database

    use_database(args.database, fresh=not args.reuse)
    from national_data import generate

    results = {}
    guard = disk_guard(args.min_free_gb)
    print(f"database {args.database}, {args.persons:,} persons; {load()}; "
          f"{free_gb():.0f} GB free", flush=True)
    try:
        planted = None  # known only for a population generated in this run
        if not args.reuse:
            payments, planted = timed("generate (INSERT … SELECT)",
                             lambda: generate(args.persons, guard=guard), results, guard)
            print(f"  {payments:,} ledger rows; {free_gb():.0f} GB free", flush=True)
            settle()
        elif not args.ingest_sizes:
            settle()  # a kept database, as a nightly run finds it
        if args.ingest_sizes:
            ingest_sizes(args)
        else:
            nightly(args, results, guard, planted)
    except OutOfDisk as stop:
        print(f"\n{stop}. Got this far:", flush=True)
        for label, seconds in results.items():
            print(f"  {label}: {seconds:.1f} s", flush=True)
        sizes()
        raise SystemExit(3) from None
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            import psycopg

            base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
