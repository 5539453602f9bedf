"""Package benchmark: full WHO ICD-10 load, then eligibility checks per second.

    python bench/eligibility_bench.py --checks 2000 [--drop]

Uses (creating and migrating) the PostgreSQL database ``osms_bench_packages``.
Times ``load_icd10`` over the whole classification (twice: the re-run is the
idempotent upsert), then answers ``--checks`` eligibility questions over random
persons, care types, diagnoses and dates 2025/2026 (insured status given, so the
figure is the package engine's own), and prints checks per second.
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
BENCH_DB = "osms_bench_packages"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--checks", type=int, default=2000)
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--drop", action="store_true")
    args = parser.parse_args()

    from _setup import use_database

    use_database(BENCH_DB)
    from packages.eligibility import check_eligibility
    from packages.icd10_load import icd10_load
    from packages.models import CareType, Icd10Code
    from payers.models import Citizenship, Person
    from tests.factories import next_iin, region

    for attempt in ("first load", "re-run"):
        started = time.perf_counter()
        counts = icd10_load()
        print(f"load_icd10 {attempt}: {counts['loaded']} codes in "
              f"{time.perf_counter() - started:.2f} s")
    rng = random.Random(6)
    almaty = region("750000000")
    have = Person.objects.count()
    if have < args.persons:
        Person.objects.bulk_create(
            (Person(iin=next_iin(datetime.date(1960 + rng.randrange(60), 1 + rng.randrange(12), 1),
                                rng.choice("MF")),
                   last_name="Бенч", first_name="Тест", region=almaty,
                   birth_date=datetime.date(1970, 1, 1), sex="M",
                   citizenship=rng.choice([c for c, _ in Citizenship.choices]))
            for _ in range(args.persons - have)),
            ignore_conflicts=True,
        )
    iins = list(Person.objects.values_list("iin", flat=True)[: args.persons])
    care = list(CareType.objects.values_list("code", flat=True))
    codes = list(Icd10Code.objects.filter(kind="subcategory").values_list("code", flat=True))
    dates = [datetime.date(2025, 3, 1), datetime.date(2026, 3, 1)]
    covered = 0
    started = time.perf_counter()
    for _ in range(args.checks):
        result = check_eligibility(iin=rng.choice(iins), on=rng.choice(dates),
                                   care_type=rng.choice(care), icd10=rng.choice(codes),
                                   insured=rng.random() < 0.85)
        covered += result.covered
    elapsed = time.perf_counter() - started
    print(f"eligibility: {args.checks} checks in {elapsed:.2f} s = "
          f"{args.checks / elapsed:.0f} checks/s ({covered} covered)")

    if args.drop:
        from django.db import connections

        connections.close_all()
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres",
                             autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{BENCH_DB}" WITH (FORCE)')
        print(f"dropped {BENCH_DB}")


if __name__ == "__main__":
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    main()
