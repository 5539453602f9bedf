"""Synthetic month for the reconciliation benchmark: registry, declarations, payments.

Everything is written with COPY. Each employee gets one declaration line for the
month; a known share gets one planted discrepancy (and some extra persons are
paid for without a declaration), so the job's findings can be checked exactly.
"""

import datetime
import io
import random
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from payers.validators import make_bin, make_iin

JAN = datetime.date(2026, 1, 1)
DEC = datetime.date(2025, 12, 1)
# Share of declaration lines with each planted discrepancy (the rest are clean).
PLANTED = (
    ("declared_not_paid", 0.010),
    ("underpaid", 0.010),
    ("overpaid", 0.005),
    ("paid_other_period", 0.003),
    ("unknown_iin", 0.002),
    ("rate_misapplied", 0.010),
    ("cross_tax", 0.005),
)
PAID_NOT_DECLARED = 0.005  # extra persons paid for, per employee


def tiyn(base, rate):
    return int((Decimal(base) * rate * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def money(value):
    return f"{value // 100}.{value % 100:02d}"


def _copy(table, columns, lines):
    buffer = io.StringIO("".join(lines))
    with connection.cursor() as cursor, cursor.cursor.copy(
        f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    ) as copy:
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)


def _iins(rng, count):
    result, seen = [], set()
    while len(result) < count:
        born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(20000))
        iin = make_iin(born, rng.choice("MF"), rng.randrange(10000))
        if iin and iin not in seen:
            seen.add(iin)
            result.append((iin, born, "M" if iin[6] in "135" else "F"))
    return result


def reset():
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE payers_payment, reconciliation_discrepancyevent, "
            "reconciliation_discrepancy, reconciliation_collectionsummary, "
            "reconciliation_employernotice, reconciliation_declaration, "
            "reconciliation_declarationreject, reconciliation_reconciliationrun, "
            "reconciliation_declarationimportrun, payers_person, payers_organisation CASCADE"
        )


def generate(*, employees, per_employer, terms, seed=2026):
    """Write the month; returns (employer bins, Counter of planted discrepancy types)."""
    rng = random.Random(seed)
    now = datetime.datetime.now(datetime.UTC).isoformat()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM core_region ORDER BY kato")
        regions = [row[0] for row in cursor.fetchall()]
    # (year, month, serial) repeat only every 300 000 serials; the attribute digit (0–3)
    # tells the windows apart, enough for 1.2 M employers (20 M employees at 20 each).
    employers, seen = [], set()
    serial = 0
    while len(employers) < max(1, employees // per_employer):
        serial += 1
        value = make_bin(2000 + serial % 25, 1 + serial % 12, serial % 100000,
                         attribute=str(serial // 300000 % 4))
        if value and value not in seen:
            seen.add(value)
            employers.append(value)
    _copy("payers_organisation", ("bin", "name", "kind", "region_id", "created_at",
                                  "updated_at"),
          [f"{b}\tТОО «Бенч {i}»\temployer\t{regions[i % len(regions)]}\t{now}\t{now}\n"
           for i, b in enumerate(employers)])
    extra = int(employees * PAID_NOT_DECLARED)
    people = _iins(rng, employees + extra + int(employees * 0.003) + 10)
    unknown_pool = people[employees + extra:]
    registered = people[: employees + extra]
    _copy("payers_person", ("iin", "last_name", "first_name", "middle_name", "birth_date", "sex",
                            "citizenship", "region_id", "created_at", "updated_at"),
          [f"{iin}\tБенчев\tБенч\t\t{born}\t{sex}\tcitizen\t{regions[n % len(regions)]}\t{now}"
           f"\t{now}\n" for n, (iin, born, sex) in enumerate(registered)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT iin, id FROM payers_person")
        person_ids = dict(cursor.fetchall())
        cursor.execute("SELECT bin, id FROM payers_organisation")
        employer_ids = dict(cursor.fetchall())
    t121, t122 = terms["employer_deduction"], terms["employee_contribution"]

    def owed(income_t, t):
        base = income_t if t.max_base is None else min(income_t, int(t.max_base))
        return tiyn(base, t.rate)

    declarations, payments, planted = [], [], Counter()
    document = 0

    def pay(iin, payer, period, kind, amount):
        nonlocal document
        document += 1
        knp = "121" if kind == "employer_deduction" else "122"
        payments.append(f"{person_ids[iin]}\t{iin}\t{payer}\t{period}\t{kind}\t{knp}\t"
                        f"{money(amount)}\t2026-02-20\tBENCH-{document}\t\t{now}\n")

    thresholds, total = [], 0.0
    for name, share in PLANTED:
        total += share
        thresholds.append((total, name))
    for n in range(employees):
        employer = employers[n % len(employers)]
        income = rng.randrange(85_000, 4_000_000) if rng.random() < 0.1 else rng.randrange(
            85_000, 900_000)
        roll = rng.random()
        kind = next((name for limit, name in thresholds if roll < limit), "clean")
        if kind == "unknown_iin":
            iin = unknown_pool[planted["unknown_iin"] % len(unknown_pool)][0]
        else:
            iin = registered[n][0]
        d121, d122 = owed(income, t121), owed(income, t122)
        p121, p122 = d121, d122
        opv = income * 10
        if kind == "declared_not_paid":
            p121 = 0
        elif kind == "underpaid":
            p121 = d121 - rng.randrange(200, d121 // 2)
        elif kind == "overpaid":
            p122 = d122 + rng.randrange(100, 5000) * 100
        elif kind == "rate_misapplied":
            d121 = p121 = tiyn(min(income, int(t121.max_base)), t121.rate * 2 / 3)
        elif kind == "cross_tax":
            d122 = p122 = 0
        planted[kind] += 1
        declarations.append(
            f"{employer}\t{iin}\t{JAN}\t{income}.00\t{money(d121)}\t{money(d122)}\t"
            f"{money(income * 10)}\t{money(income * 9)}\t{money(opv)}\t{money(income * 5)}\t"
            f"{employer_ids[employer]}\t{person_ids.get(iin, '')}\t{n + 2}\n"
        )
        if kind == "unknown_iin":
            continue
        if kind == "paid_other_period":
            pay(iin, employer, DEC, "employer_deduction", p121)
        elif p121:
            pay(iin, employer, JAN, "employer_deduction", p121)
        if p122:
            pay(iin, employer, JAN, "employee_contribution", p122)
    for n in range(employees, employees + extra):
        iin, employer = registered[n][0], employers[rng.randrange(len(employers))]
        pay(iin, employer, JAN, "employer_deduction", 300000)
        pay(iin, employer, JAN, "employee_contribution", 200000)
        planted["paid_not_declared"] += 2
    planted.pop("clean", None)
    from django.utils import timezone

    from reconciliation.models import DeclarationImportRun

    # Through the ORM, so that a new column with a default never breaks the generator.
    run_id = DeclarationImportRun.objects.create(
        file_name="bench", checksum="bench", size=0, source="command", status="done",
        progress=100, rows_read=employees, inserted=employees, started_at=timezone.now()).pk
    _copy("reconciliation_declaration",
          ("employer_bin", "iin", "period", "income", "osms_deduction", "osms_contribution",
           "ipn", "social_tax", "opv", "so", "employer_id", "person_id", "row_no",
           "import_run_id"),
          [line.replace("\t\t", "\t\\N\t").rstrip("\n") + f"\t{run_id}\n"
           for line in sorted(declarations)])  # БИН order, as the import writes them
    _copy("payers_payment", ("person_id", "iin", "payer_code", "period", "kind", "knp",
                             "amount", "paid_on", "document_no", "note", "posted_at"),
          payments)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE payers_person; ANALYZE payers_organisation; "
                       "ANALYZE payers_payment; ANALYZE reconciliation_declaration")
    return employers, planted, len(payments)
