"""Every importer's set-based path beside a per-row / bulk_create baseline, in one run.

    python bench/imports_bench.py --rows 50000 [--baseline-rows N] [--keep]

Creates database ``osms_bench_imports`` anew (dropped at the end unless --keep), writes one
file per importer of --rows rows (persons, category feed, declarations, service prices,
payments), and loads each in a worker process of its own, so that its peak memory
(the peak resident size, ``resource.getrusage`` / ``VmHWM``, reset through
``/proc/self/clear_refs`` once the worker has loaded Django) is the importer's alone:

- **set-based**: the project's importer (``osms.core.uploads`` streamed reading, COPY into a
  staging table, one merge; the payments' chunked COPY path);
- **baseline**, on another file of --baseline-rows rows (default: min(rows, 20 000)) with
  other keys: what the import did before, or plain Django — persons and tariffs through
  django-import-export (a query and a save per row), the feed and declarations parsed with
  ``csv`` and written by ``bulk_create`` (with history where the model keeps it), payments
  by ``bulk_create``.

Prints, per importer: rows/s of each path, their ratio, and peak memory of each worker
(MB, with the worker's memory before the import in brackets).
"""

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _setup import use_database

DB = "osms_bench_imports"
KINDS = ("persons", "categories", "declarations", "tariffs", "payments")
PAYER = "990440000494"


def _status_mb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _iins(count, seed):
    from payers.validators import make_iin

    rng, out, seen, serial = random.Random(seed), [], set(), 0
    while len(out) < count:
        day = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 55))
        iin = make_iin(day, rng.choice("MF"), serial % 10000)
        serial += 1
        if iin and iin not in seen:
            seen.add(iin)
            out.append(iin)
    return out


def write_files(folder, rows, baseline_rows):
    """Two files per importer (set-based, baseline) with disjoint keys."""
    from payers.models import Organisation

    iins = _iins(rows + baseline_rows, 2026)
    employer = Organisation.objects.get(bin=PAYER)
    files = {}

    def out(name, header, lines):
        path = folder / name
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(header + "\n")
            handle.writelines(line + "\n" for line in lines)
        return str(path)

    for label, part in (("main", iins[:rows]), ("base", iins[rows:])):
        files[("persons", label)] = out(
            f"persons_{label}.csv", "iin,last_name,first_name,middle_name,region",
            (f"{iin},Иванова,Айгерим,Сериковна,750000000" for iin in part))
        start = "2026-01-01" if label == "main" else "2026-02-01"
        files[("categories", label)] = out(
            f"feed_{label}.csv", "iin;category;starts_on;ends_on;document",
            (f"{iin};pensioners;{start};;решение {n}" for n, iin in enumerate(part)))
        period = "2026-01" if label == "main" else "2026-02"
        files[("declarations", label)] = out(
            f"declarations_{label}.csv",
            "employer_bin;iin;period;income;osms_deduction;osms_contribution;ipn;social_tax;"
            "opv;so", (f"{employer.bin};{iin};{period};250000.00;5000;5000;20000;19000;"
                       "25000;8750" for iin in part))
        prefix = "S" if label == "main" else "B"
        files[("tariffs", label)] = out(
            f"tariffs_{label}.csv", "code,name,care_type,price,valid_from,valid_to",
            (f"{prefix}{n:07d},Услуга {n},consultative_diagnostic,{1000 + n % 5000}.00,"
             "2026-01-01," for n in range(len(part))))
        month = "012026" if label == "main" else "022026"
        files[("payments", label)] = out(
            f"payments_{label}.csv",
            "payer_id,iin,last_name,first_name,period,knp,amount,paid_on,document_no",
            (f"{PAYER},{iin},Иванова,Айгерим,{month},121,5000.00,2026-11-02,PP-{n}"
             for n, iin in enumerate(part)))
    return files


def set_based(kind, path):
    from coverage.feeds import category_feed_import
    from packages.tariff_import import tariff_import
    from payers.imports import payment_import
    from payers.imports.registry import registry_import
    from payers.models import RegistryImportRun
    from reconciliation.importer import declarations_import

    if kind == "persons":
        run = RegistryImportRun.objects.create(kind="persons", file_name="p.csv")
        run = registry_import(run=run, path=path)
        return run.status, run.inserted
    if kind == "categories":
        run = category_feed_import(path=path, file_name="f.csv", partner="labour_is")
        return run.status, run.rows_loaded
    if kind == "declarations":
        run = declarations_import(path=path, file_name="d.csv", source="command")
        return run.status, run.inserted
    if kind == "tariffs":
        outcome = tariff_import(kind="service_price", path=path)
        return outcome.run.status, outcome.new
    run = payment_import(path=path)
    return run.status, run.loaded


def baseline(kind, path):
    import csv

    import tablib
    from django.db import transaction
    from simple_history.utils import bulk_create_with_history

    from coverage.models import BenefitCategory, CategoryMembership
    from packages.resources import TariffServicePriceResource
    from payers.models import Organisation, Payment, Person
    from payers.resources import PersonResource
    from reconciliation.models import Declaration, DeclarationImportRun

    with open(path, encoding="utf-8") as handle:
        text = handle.read() if kind in ("persons", "tariffs") else None
    if kind in ("persons", "tariffs"):  # the import before: django-import-export, per row
        resource = PersonResource() if kind == "persons" else TariffServicePriceResource()
        result = resource.import_data(tablib.Dataset().load(text, format="csv"),
                                      dry_run=False, use_transactions=True)
        return ("failed" if result.has_errors() or result.has_validation_errors() else "done",
                result.totals.get("new", 0))
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";" if kind != "payments" else ","))
    persons = dict(Person.objects.filter(iin__in=[r["iin"] for r in rows])
                   .values_list("iin", "id"))
    with transaction.atomic():
        if kind == "categories":  # the feed before: parsed rows, bulk_create with history
            category = BenefitCategory.objects.get(code="pensioners")
            objs = [CategoryMembership(person_id=persons[r["iin"]], category=category,
                                       starts_on=r["starts_on"], document=r["document"])
                    for r in rows if r["iin"] in persons]
            bulk_create_with_history(objs, CategoryMembership, batch_size=5000)
        elif kind == "declarations":
            employer = Organisation.objects.get(bin=rows[0]["employer_bin"])
            run = DeclarationImportRun.objects.create(file_name="b.csv", checksum="b",
                                                      source="command")
            figures = ("income", "osms_deduction", "osms_contribution", "ipn", "social_tax",
                       "opv", "so")
            objs = [Declaration(employer=employer, employer_bin=r["employer_bin"], iin=r["iin"],
                                period=f"{r['period']}-01", person_id=persons.get(r["iin"]),
                                import_run=run, row_no=n,
                                **{f: r[f] for f in figures}) for n, r in enumerate(rows)]
            Declaration.objects.bulk_create(objs, batch_size=5000)
        else:
            objs = [Payment(person_id=persons[r["iin"]], iin=r["iin"], payer_code=r["payer_id"],
                            period=datetime.date(int(r["period"][2:]), int(r["period"][:2]), 1),
                            kind="employee_contribution", knp=r["knp"], amount=r["amount"],
                            paid_on=r["paid_on"], document_no=r["document_no"], note="")
                    for r in rows]
            Payment.objects.bulk_create(objs, batch_size=5000, ignore_conflicts=True)
    return "done", len(objs)


def worker(kind, mode, path):
    """One measurement in this process (the database is migrated already): prints JSON."""
    import django

    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    os.environ["DATABASE_URL"] = f"{base}/{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osms.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    django.setup()
    import coverage.feeds  # noqa: F401  (every importer's modules loaded before measuring)
    import packages.tariff_import  # noqa: F401
    import payers.imports.registry  # noqa: F401
    import reconciliation.importer  # noqa: F401

    # Reset the peak resident size (Linux): Django's start (the ICD-10 reference parsed at
    # import) is not the importer's memory. ru_maxrss then reports the peak from here on.
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")
    before = _status_mb("VmRSS")
    started = time.perf_counter()
    status, loaded = (set_based if mode == "set" else baseline)(kind, path)
    seconds = time.perf_counter() - started
    # ru_maxrss also counts the parent's size inherited at exec; VmHWM is the same peak,
    # reset above, so it is the importer's own.
    peak = min(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, _status_mb("VmHWM"))
    print(json.dumps({"status": status, "loaded": loaded, "seconds": seconds,
                      "peak_mb": peak, "start_mb": before}))


def measure(kind, mode, path):
    done = subprocess.run([sys.executable, __file__, "--worker", kind, mode, path],
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "PAYMENTS_IMPORT_PARALLEL": "true"})
    if done.returncode:
        raise SystemExit(f"{kind} {mode} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--baseline-rows", type=int)
    parser.add_argument("--only", help="comma-separated: " + ",".join(KINDS))
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(*args.worker)
    base_rows = args.baseline_rows or min(args.rows, 20_000)
    use_database(DB, fresh=True)
    from osms.core.models import Region
    from payers.models import Organisation

    Organisation.objects.create(bin=PAYER, name="ТОО «Бенч»",
                                region=Region.objects.get(kato="750000000"))
    kinds = args.only.split(",") if args.only else KINDS
    with tempfile.TemporaryDirectory() as folder:
        files = write_files(Path(folder), args.rows, base_rows)
        from django.db import connections

        connections.close_all()
        print(f"rows: {args.rows} set-based, {base_rows} baseline")
        print(f"{'importer':<13}{'set-based rows/s':>17}{'baseline rows/s':>16}{'×':>6}"
              f"{'peak MB set':>14}{'peak MB base':>14}")
        for kind in ("persons", *[k for k in kinds if k != "persons"]):
            # persons first: the other files refer to them
            fast = measure(kind, "set", files[(kind, "main")])
            slow = measure(kind, "base", files[(kind, "base")])
            if kind not in kinds:
                continue
            for label, result, count in (("set", fast, args.rows), ("base", slow, base_rows)):
                if result["status"] != "done" or result["loaded"] != count:
                    raise SystemExit(f"{kind} {label}: {result}")
            fast_rate = args.rows / fast["seconds"]
            slow_rate = base_rows / slow["seconds"]
            print(f"{kind:<13}{fast_rate:>17,.0f}{slow_rate:>16,.0f}"
                  f"{fast_rate / slow_rate:>6.1f}"
                  f"{fast['peak_mb']:>8.0f} ({fast['start_mb']:.0f})"
                  f"{slow['peak_mb']:>8.0f} ({slow['start_mb']:.0f})")
    if not args.keep:
        import psycopg

        base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


if __name__ == "__main__":
    main()
