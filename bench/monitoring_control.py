"""Monitoring benchmark: a generated month of cases, loaded, controlled and scored.

    python bench/monitoring_control.py --persons 20000 [--loop-sample 300] [--bulk-sample 50000]
        [--database osms_bench_monitoring]

Uses (re-creating) the PostgreSQL database ``osms_bench_monitoring`` (or ``--database``). The month is last
month; its size scales from 5 M outpatient services and 300 k inpatient cases for 1 M
persons (``monitoring.synthetic_month``), with defects of every kind planted
(``max(3, persons // 10000)`` of each). Measured in one run:

1. the import of the month's CSV (COPY into staging, set-based checks, INSERT … SELECT),
   rows/s, beside ``bulk_create`` of the same rows (Case and CaseService objects, FKs
   resolved from dictionaries) on a sample of ``--bulk-sample`` rows, extrapolated;
2. the control and risk scoring of the whole month (``month_control``), cases/s, beside a
   per-case Python loop that calls the eligibility engine and looks up the tariff, the
   licence and a duplicate for each case, on a sample of ``--loop-sample`` cases,
   extrapolated (said so in the output);
3. the planted defects found: per rule, planted / found / missing / extra.
"""

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
BENCH_DB = "osms_bench_monitoring"


def _bulk_create_rate(rows, sample):
    """Rows/s of bulk_create of ``sample`` rows of the file (then removed again)."""
    from django.db import connection, transaction

    from monitoring.importer.readers import COLUMNS
    from monitoring.models import Case, CaseService
    from packages.models import CareType
    from payers.models import Person
    from purchasing.models import ContractItem, Provider

    col = {c: i for i, c in enumerate(COLUMNS)}
    rows = rows[:sample]
    providers = {p.bin: p for p in Provider.objects.all()}
    care = {c.code: c for c in CareType.objects.all()}
    persons = dict(Person.objects.filter(iin__in=[r[col["iin"]] for r in rows])
                   .values_list("iin", "id"))
    items = {(i.contract.provider_id, i.care_type_id): i.pk
             for i in ContractItem.objects.select_related("contract")}
    today = datetime.date.today()
    started = time.perf_counter()
    with transaction.atomic():
        cases, services = [], []
        for r in rows:
            provider = providers[r[col["provider_bin"]]]
            kind = care[r[col["care_type"]]]
            admitted = r[col["admitted_on"]] or None
            discharged = r[col["discharged_on"]] or None
            served = datetime.date.fromisoformat(r[col["service_date"]] or admitted)
            end = datetime.date.fromisoformat(discharged) if discharged else served
            cases.append(Case(
                provider=provider, region_id=provider.region_id,
                case_number=r[col["case_number"]],
                contract_item_id=items.get((provider.pk, kind.pk)), care_type=kind,
                is_inpatient=admitted is not None, form=r[col["form"]], iin=r[col["iin"]],
                person_id=persons.get(r[col["iin"]]), icd10=r[col["icd10"]],
                kzg_code=r[col["kzg_code"]], severity=int(r[col["severity"]] or 0) or None,
                bed_profile=r[col["bed_profile"]], admitted_on=admitted,
                discharged_on=discharged, service_date=served, period=end.replace(day=1),
                tariff=r[col["tariff"]], amount_claimed=r[col["amount_claimed"]],
                submitted_on=today))
        made = Case.objects.bulk_create(cases, batch_size=5000)
        for case, r in zip(made, rows, strict=True):
            for part in filter(None, r[col["services"]].split(";")):
                code, qty = part.split("*")
                services.append(CaseService(case=case, code=code, quantity=int(qty)))
        CaseService.objects.bulk_create(services, batch_size=5000)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    connection.close()
    return len(rows) / elapsed


def _loop_rate(period, sample):
    """Cases/s of a per-case Python control calling the eligibility engine."""
    from monitoring.models import Case
    from packages import selectors as tariffs
    from packages.eligibility import EligibilityError, check_eligibility
    from purchasing.models import ProviderLicence

    ids = list(Case.objects.filter(period=period).values_list("id", flat=True))
    chosen = random.Random(3).sample(ids, min(sample, len(ids)))
    started = time.perf_counter()
    for case in Case.objects.filter(pk__in=chosen).select_related("care_type"):
        try:
            check_eligibility(iin=case.iin, on=case.service_date, care_type=case.care_type.code,
                              icd10=case.icd10)
        except EligibilityError:
            pass
        if case.kzg_code:
            tariffs.case_rate_on(code=case.kzg_code, severity=case.severity or 1,
                                 on=case.service_date, care_type=case.care_type)
        else:
            for service in case.services.all():
                tariffs.service_price_on(code=service.code, on=case.service_date)
        ProviderLicence.objects.filter(provider_id=case.provider_id,
                                       care_type_id=case.care_type_id).valid_on(
            case.service_date).exists()
        Case.objects.filter(iin=case.iin, service_date=case.service_date,
                            id__lt=case.pk).exists()
    return len(chosen) / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=20000)
    parser.add_argument("--loop-sample", type=int, default=300)
    parser.add_argument("--bulk-sample", type=int, default=50000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default=BENCH_DB,
                        help="the database to (re-)create and use, under BENCH_PG")
    args = parser.parse_args()

    from _setup import use_database

    use_database(args.database, fresh=True)
    from django.utils import timezone

    from monitoring.control import month_control
    from monitoring.importer.service import case_import, case_import_run_create
    from monitoring.models import Case, CaseVerdict
    from monitoring.synthetic import build_world
    from monitoring.synthetic_month import month_rows, write_csv
    from osms.core.periods import add_months, first_of_month

    month = add_months(first_of_month(timezone.localdate()), -1)
    started = time.perf_counter()
    world = build_world(persons=args.persons, month=month, seed=args.seed)
    rows, planted = month_rows(world, seed=args.seed)
    inpatient = sum(1 for r in rows if r[10])
    print(f"world and month generated in {time.perf_counter() - started:.1f} s: "
          f"{args.persons} persons, {len(world.providers)} providers, {len(rows)} cases "
          f"({len(rows) - inpatient} outpatient, {inpatient} inpatient), "
          f"{sum(map(len, planted.values()))} planted defects")
    print(f"load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} "
          f"{os.getloadavg()[2]:.1f}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cases.csv"
        write_csv(rows, path)
        total_rows = len(rows)
        bulk = _bulk_create_rate(rows, args.bulk_sample)
        del rows  # millions of lists: freed before the import is measured
        started = time.perf_counter()
        run = case_import(run=case_import_run_create(file_name=path.name, source="command"),
                          path=str(path))
        seconds = time.perf_counter() - started
    assert run.status == "done", run.error
    rate = run.rows_total / seconds
    print(f"import: {run.rows_total} rows in {seconds:.2f} s = {rate:,.0f} rows/s "
          f"({run.cases_new} new, {run.rows_rejected} rejected); bulk_create on a sample of "
          f"{min(args.bulk_sample, total_rows)} rows: {bulk:,.0f} rows/s → {rate / bulk:.1f}× "
          f"(load {os.getloadavg()[0]:.1f})", flush=True)
    started = time.perf_counter()
    control = month_control(period=month)
    seconds = time.perf_counter() - started
    crate = control.cases / seconds
    loop = _loop_rate(month, args.loop_sample)
    print(f"control + risk: {control.cases} cases in {seconds:.2f} s = {crate:,.0f} cases/s "
          f"({control.accepted} accepted, {control.rejected} rejected, {control.to_review} to "
          f"review); per-case loop with the eligibility engine on a sample of "
          f"{min(args.loop_sample, control.cases)} cases: {loop:,.1f} cases/s (extrapolated "
          f"to the month: {control.cases / loop:,.0f} s) → {crate / loop:,.0f}× "
          f"(load {os.getloadavg()[0]:.1f})", flush=True)
    found = {}
    for code, bin_, number in CaseVerdict.objects.filter(case__period=month).values_list(
            "rule_code", "case__provider__bin", "case__case_number"):
        found.setdefault(code, set()).add((bin_, number))
    exact = True
    for code in sorted(set(planted) | set(found)):
        want, got = planted.get(code, set()), found.get(code, set())
        exact &= want == got
        print(f"  {code:24} planted {len(want):4}  found {len(got):4}  missing "
              f"{len(want - got):3}  extra {len(got - want):3}")
    print("planted defects found exactly" if exact else "MISMATCH between planted and found")
    print(f"cases in the database: {Case.objects.count()}")
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())
