"""Benchmark of background exports: ``python bench/export_bench.py --rows 1000000``.

Seeds ``--rows`` persons (COPY) into its own PostgreSQL database, then exports
the persons list (8 columns: IIN, three names, birth date, sex and citizenship
labels, region name) through the real code path, ``services.export_run`` on
``PersonAdmin`` as the Celery task does, once as xlsx and once as csv. Each
export runs in a fresh subprocess, which reports its wall time and its peak
resident memory (``ru_maxrss`` / ``VmHWM``), i.e. the worker's footprint.

Goals on the project machine: xlsx ≥ 20,000 rows/s and ≤ 150 MB peak RSS;
csv ≥ 200,000 rows/s. ``--compare`` also times XlsxWriter's constant_memory
mode on the same rows, for reference. ``--drop`` drops the database after.
"""

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/osms_bench_exports"

LAST = ["Ахметов", "Сериков", "Иванов", "Нурланов", "Касымов", "Жумабаев", "Петров", "Омаров"]
FIRST = ["Айгерим", "Ерлан", "Дана", "Нурсултан", "Асель", "Тимур", "Мадина", "Арман"]
MIDDLE = ["Серикович", "Ерланович", "", "Нурланович", "Маратович", "", "Болатович", ""]
CITIZENSHIP = ["citizen"] * 18 + ["kandas", "foreign_permanent"]


def setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osms.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_database(database_url):
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(database_url):
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def iins(count, rng):
    """``count`` distinct valid ИИН (birth dates 1950–2007, both sexes)."""
    from payers.validators import make_iin

    made = 0
    day = datetime.date(1950, 1, 1)
    while made < count:
        for sex in ("M", "F"):
            for serial in range(rng.randrange(1, 40), 10000, 37):
                iin = make_iin(day, sex, serial)
                if iin:
                    yield iin, day, sex
                    made += 1
                    if made == count:
                        return
        day += datetime.timedelta(days=1)


def seed(rows, seed_value=2026):
    from django.db import connection

    from osms.core.models import Region
    from payers.models import Person

    if Person.objects.count() == rows:
        print(f"registry: {rows:,} persons already there")
        return
    rng = random.Random(seed_value)
    region_ids = list(Region.objects.values_list("pk", flat=True))
    started = time.monotonic()
    now = datetime.datetime.now(datetime.UTC).isoformat()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE payers_person RESTART IDENTITY CASCADE")
        columns = ("iin, last_name, first_name, middle_name, birth_date, sex, citizenship, "
                   "region_id, created_at, updated_at")
        with cursor.cursor.copy(f"COPY payers_person ({columns}) FROM STDIN") as copy:
            for iin, day, sex in iins(rows, rng):
                suffix = "а" if sex == "F" else ""
                middle = rng.choice(MIDDLE)
                if middle and sex == "F":
                    middle = middle[:-2] + "на"
                copy.write_row((
                    iin, rng.choice(LAST) + suffix, rng.choice(FIRST), middle, day, sex,
                    rng.choice(CITIZENSHIP), rng.choice(region_ids), now, now,
                ))
        cursor.execute("ANALYZE payers_person")
    print(f"registry: {rows:,} persons seeded in {time.monotonic() - started:.1f} s")


def peak_rss_mb():
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(file_format):
    """One export, as the Celery worker runs it; prints a JSON line of measurements."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    from osms.exports.models import ExportJob
    from osms.exports.services import export_run
    from payers.models import Person

    user, _created = get_user_model().objects.get_or_create(
        username="export_bench", defaults={"is_staff": True, "is_superuser": True})
    job = ExportJob.objects.create(
        user=user, content_type=ContentType.objects.get_for_model(Person), title="persons",
        querystring="", file_format=file_format, language="ru",
    )
    baseline = peak_rss_mb()
    started = time.monotonic()
    job = export_run(job_id=job.pk)
    seconds = time.monotonic() - started
    if job.status != ExportJob.Status.DONE:
        raise SystemExit(f"export failed: {job.error}")
    print(json.dumps({
        "format": file_format, "rows": job.rows_done, "seconds": round(seconds, 2),
        "rows_per_s": round(job.rows_done / seconds), "peak_rss_mb": round(peak_rss_mb(), 1),
        "rss_before_export_mb": round(baseline, 1), "file_mb": round(job.file_size / 2**20, 1),
        "sheets": job.sheets,
    }))


def xlsxwriter_reference(limit):
    """XlsxWriter constant_memory on the same 8 columns, straight from values_list."""
    import tempfile

    import xlsxwriter

    from payers.models import Person

    path = Path(tempfile.mkdtemp()) / "reference.xlsx"
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "dd.mm.yyyy"})
    rows = Person.objects.values_list(
        "iin", "last_name", "first_name", "middle_name", "birth_date", "sex", "citizenship",
        "region__name_ru").order_by("-id")[:limit]
    started = time.monotonic()
    count = 0
    for count, row in enumerate(rows.iterator(chunk_size=5000), start=1):
        for col in (0, 1, 2, 3, 5, 6, 7):
            sheet.write_string(count, col, row[col])
        sheet.write_datetime(count, 4, row[4], date_format)
    workbook.close()
    seconds = time.monotonic() - started
    path.unlink()
    print(json.dumps({"format": "xlsxwriter reference", "rows": count,
                      "seconds": round(seconds, 2), "rows_per_s": round(count / seconds),
                      "peak_rss_mb": round(peak_rss_mb(), 1)}))


def run_child(args, database_url):
    command = [sys.executable, __file__, "--database-url", database_url, *args]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--formats", default="xlsx,csv")
    parser.add_argument("--compare", action="store_true", help="also time XlsxWriter")
    parser.add_argument("--chunk-size", type=int, help="rows per fetch (EXPORTS_CHUNK_SIZE)")
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    parser.add_argument("--worker", choices=["xlsx", "csv"], help=argparse.SUPPRESS)
    parser.add_argument("--reference", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker or args.reference:
        setup_django(args.database_url)
        if args.worker:
            from django.test.utils import override_settings

            chunk = {"EXPORTS_CHUNK_SIZE": int(os.environ["BENCH_CHUNK_SIZE"])} if os.environ.get(
                "BENCH_CHUNK_SIZE") else {}
            with override_settings(MEDIA_ROOT=os.environ["BENCH_MEDIA_ROOT"], **chunk):
                worker(args.worker)
        else:
            xlsxwriter_reference(args.reference)
        return

    import tempfile

    ensure_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed(args.rows)
    results = []
    with tempfile.TemporaryDirectory() as media:
        os.environ["BENCH_MEDIA_ROOT"] = media
        if args.chunk_size:
            os.environ["BENCH_CHUNK_SIZE"] = str(args.chunk_size)
        for file_format in args.formats.split(","):
            results.append(run_child(["--worker", file_format], args.database_url))
            print(json.dumps(results[-1]))
    if args.compare:
        results.append(run_child(["--reference", str(args.rows)], args.database_url))
        print(json.dumps(results[-1]))
    goals = {"xlsx": (20_000, 150), "csv": (200_000, None)}
    for result in results:
        goal = goals.get(result["format"])
        if goal:
            speed_ok = result["rows_per_s"] >= goal[0]
            memory_ok = goal[1] is None or result["peak_rss_mb"] <= goal[1]
            print(f"{result['format']}: {result['rows_per_s']:,} rows/s "
                  f"(goal ≥ {goal[0]:,}: {'met' if speed_ok else 'MISSED'}), peak RSS "
                  f"{result['peak_rss_mb']} MB"
                  + (f" (goal ≤ {goal[1]} MB: {'met' if memory_ok else 'MISSED'})" if goal[1] else ""))
    if args.drop:
        from django.db import connections

        connections.close_all()
        drop_database(args.database_url)


if __name__ == "__main__":
    main()
