"""Payment ingest at scale: the real import path vs Django ``bulk_create``, same rows, one run.

    python bench/payments_ingest.py --rows 10000000

Creates database ``osms_bench_contrib`` (dropped at the end unless --keep),
migrates it, registers --persons persons (default rows/10) with COPY, writes a
State Corporation payment file of --rows rows (employers' 121/122 pairs,
entrepreneurs' and self-payers' 122, over consecutive months), then:

1. ``payers.imports.payment_import`` — chunks of the file COPYed into staging, checked
   set-based and sorted on a second connection while the previous chunk is posted with
   one ``INSERT … SELECT`` per chunk into the real ledger with all its indexes, the
   unique source-row key, the check constraints, the references trigger and the
   immutability trigger; then (unless --no-repeat) the same file again, which must post
   nothing;
2. the ledger is truncated; Django ``bulk_create`` (batches of --batch,
   ``ignore_conflicts=True``) loads the same rows from the same file, parsing
   them with ``csv`` and resolving persons with a dict (no validation at all).

Reports rows/s of each and the ratio. --bulk-rows N limits step 2 to the first
N rows (reported as such) when a full bulk_create run is too long.
"""

import argparse
import csv
import datetime
import io
import json
import os
import random
import tempfile
import time
from decimal import Decimal

from _setup import use_database

DB = "osms_bench_contrib"


def seed_registry(persons, rng):
    """``persons`` valid ИИН in the registry (COPY); returns the list of ИИН."""
    from django.db import connection

    from osms.core.models import Region
    from payers.validators import make_iin

    regions = list(Region.objects.values_list("id", flat=True))
    iins, seen = [], set()
    start = datetime.date(1950, 1, 1)
    serial = 0
    now = datetime.datetime.now(datetime.UTC).isoformat()
    buffer = io.StringIO()
    while len(iins) < persons:
        day = start + datetime.timedelta(days=rng.randrange(365 * 55))
        sex = rng.choice("MF")
        iin = make_iin(day, sex, serial % 10000)
        serial += 1
        if iin is None or iin in seen:
            continue
        seen.add(iin)
        iins.append(iin)
        buffer.write(f"{iin}\tФамилия\tИмя\t\t{day}\t{sex}\tcitizen\t{rng.choice(regions)}\t"
                     f"{now}\t{now}\n")
    buffer.seek(0)
    with connection.cursor() as cursor, cursor.cursor.copy(
        "COPY payers_person (iin, last_name, first_name, middle_name, birth_date, sex, "
        "citizenship, region_id, created_at, updated_at) FROM STDIN"
    ) as copy:
        while chunk := buffer.read(8 * 1024 * 1024):
            copy.write(chunk)
    return iins


def write_file(path, iins, rows, rng):
    """A payment file of ``rows`` rows over consecutive months, in consolidated orders."""
    from osms.core.periods import add_months
    from payers.validators import make_bin

    employers = [b for b in (make_bin(2010, 1 + i % 12, i) for i in range(1, 60000)) if b]
    month = datetime.date(2024, 1, 1)
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("payer_id,iin,last_name,first_name,period,knp,amount,paid_on,document_no\n")
        while written < rows:
            period = f"{month:%m%Y}"
            paid = (month.replace(day=28) + datetime.timedelta(days=10)).isoformat()
            lines = []
            for index, iin in enumerate(iins):
                if written >= rows:
                    break
                share = index % 10
                if share < 8:  # employees: a 121 and a 122 in the employer's order
                    employer = employers[index // 50 % len(employers)]
                    income = 150000 + (index * 7919) % 850000
                    doc = f"{employer[-6:]}-{period}"
                    lines.append(f"{employer},{iin},Фамилия,Имя,{period},121,"
                                 f"{income * 3 // 100}.00,{paid},{doc}\n")
                    lines.append(f"{employer},{iin},Фамилия,Имя,{period},122,"
                                 f"{income * 2 // 100}.00,{paid},{doc}\n")
                    written += 2
                else:  # entrepreneurs and self-payers pay for themselves
                    lines.append(f"{iin},{iin},Фамилия,Имя,{period},122,"
                                 f"{'5950.00' if share == 8 else '4250.00'},{paid},"
                                 f"S{iin}-{period}\n")
                    written += 1
            handle.writelines(lines)
            month = add_months(month, 1)
    return written


def truncate_ledger():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE payers_payment, payers_paymentreject, payers_suspensepayment, "
                       "payers_importrun RESTART IDENTITY CASCADE")
        cursor.execute("CHECKPOINT")


def run_import(path):
    from payers.imports import payment_import

    started = time.perf_counter()
    run = payment_import(path=path)
    elapsed = time.perf_counter() - started
    assert run.status == "done", run.error
    return run, elapsed


def run_bulk_create(path, limit, batch):
    from payers.models import Payment, Person

    persons = dict(Person.objects.values_list("iin", "id").iterator(chunk_size=100000))
    started = time.perf_counter()
    count = 0
    objects = []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        kinds = {"121": "employer_deduction", "122": "employee_contribution"}
        for payer, iin, _last, _first, period, knp, amount, paid_on, doc in reader:
            if count >= limit:
                break
            objects.append(Payment(
                person_id=persons[iin], iin=iin, payer_code=payer,
                period=datetime.date(int(period[2:]), int(period[:2]), 1),
                kind=kinds[knp] if payer != iin else "self_payer", knp=knp,
                amount=Decimal(amount), paid_on=datetime.date.fromisoformat(paid_on),
                document_no=doc,
            ))
            count += 1
            if len(objects) >= batch:
                Payment.objects.bulk_create(objects, ignore_conflicts=True)
                objects.clear()
    if objects:
        Payment.objects.bulk_create(objects, ignore_conflicts=True)
    return count, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100000)
    parser.add_argument("--persons", type=int, default=0, help="default: rows / 10")
    parser.add_argument("--bulk-rows", type=int, default=0, help="default: all rows")
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--no-repeat", action="store_true",
                        help="Skip the second (idempotent) import of the same file.")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    use_database(DB, fresh=True)
    from django.db import connection

    from payers.models import Payment

    persons = args.persons or max(args.rows // 10, 100)
    t0 = time.perf_counter()
    iins = seed_registry(persons, rng)
    print(f"registry: {len(iins):,} persons in {time.perf_counter() - t0:.1f} s", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "payments.csv")
        t0 = time.perf_counter()
        rows = write_file(path, iins, args.rows, rng)
        size = os.path.getsize(path)
        print(f"file: {rows:,} rows, {size / 1e6:,.0f} MB in {time.perf_counter() - t0:.1f} s",
              flush=True)
        # The file's months (from January 2024) get their ledger partitions first, as the
        # nightly job makes them ahead in production (payers.partitions).
        from osms.core.periods import add_months
        from payers.partitions import ledger_partitions_ensure

        ledger_partitions_ensure(months=[add_months(datetime.date(2024, 1, 1), n)
                                         for n in range(36)])
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE payers_person")
            cursor.execute("CHECKPOINT")

        run, import_s = run_import(path)
        posted = Payment.objects.count()
        assert run.loaded == rows == posted, (run.loaded, rows, posted)
        import_rate = rows / import_s
        print(f"import path: {rows:,} rows in {import_s:.1f} s = {import_rate:,.0f} rows/s "
              f"(loaded {run.loaded:,}, rejected {run.rejected}, suspense {run.suspense}; "
              f"load average {os.getloadavg()[0]:.1f})", flush=True)
        if not args.no_repeat:
            again, again_s = run_import(path)
            assert again.loaded == 0 and Payment.objects.count() == posted
            print(f"import again (idempotent): loaded {again.loaded}, duplicates "
                  f"{again.duplicates:,} in {again_s:.1f} s", flush=True)

        truncate_ledger()
        limit = args.bulk_rows or rows
        bulk_rows, bulk_s = run_bulk_create(path, limit, args.batch)
        assert Payment.objects.count() == bulk_rows
        bulk_rate = bulk_rows / bulk_s
        print(f"bulk_create: {bulk_rows:,} rows in {bulk_s:.1f} s = {bulk_rate:,.0f} rows/s"
              + ("" if bulk_rows == rows else f" (first {bulk_rows:,} rows of {rows:,})"),
              flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
                       "('shared_buffers', 'max_wal_size', 'checkpoint_timeout') ORDER BY name")
        server = ", ".join(f"{name}={setting}" for name, setting in cursor.fetchall())
    print(f"server: {server}", flush=True)
    ratio = import_rate / bulk_rate
    print(f"ratio import / bulk_create: {ratio:.2f}× (load average during the run: "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)", flush=True)
    print(json.dumps({"rows": rows, "import_rows_per_s": round(import_rate),
                      "bulk_create_rows": bulk_rows, "bulk_create_rows_per_s": round(bulk_rate),
                      "ratio": round(ratio, 2)}))
    connection.close()
    if not args.keep:
        import psycopg

        base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{DB}" WITH (FORCE)')


if __name__ == "__main__":
    main()
