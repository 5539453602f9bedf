"""Sample import files that match the demo registry (``manage.py demo_samples``).

The files in ``payers/samples``, ``coverage/samples``, ``packages/samples`` and
``reconciliation/samples`` are written by this module from the registry that
``seed_demo --persons 3000 --seed 2026`` makes (the quick start's demo), so that loading
them into a fresh quick-start database posts rows. The choice of persons is deterministic
(ordered by id, filtered by age, work and activity on the demo date). Each file keeps
exactly the deliberate bad rows listed in ``BAD_EXAMPLES`` (what an operator should see
rejected or held); every other row loads.

Only the registry is read (persons, organisations, employment, activities): category,
type-of-care and КНП codes are the ones the migrations seed. Amounts follow the 2026
rates (employer 3 % capped at 40 МЗП, employee 2 % capped at 20 МЗП, entrepreneur
5 950 ₸, self-payer 4 250 ₸; docs/domain.md §3).
"""

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Q

from .demo import DEMO_TODAY
from .models import Activity, ActivityKind, Citizenship, Employment, Organisation, Person
from .validators import make_bin, make_iin

ROOT = Path(settings.BASE_DIR)
PAYMENTS = ROOT / "payers" / "samples" / "payments_sample.csv"
PAYMENTS_XLSX = ROOT / "payers" / "samples" / "payments_sample.xlsx"
DECLARATIONS = ROOT / "reconciliation" / "samples" / "declarations_sample.csv"
CATEGORY_FEED = ROOT / "coverage" / "samples" / "category_feed_labour_is.csv"
TARIFFS = ROOT / "packages" / "samples" / "tariffs_case_rate.csv"

# The first month after the demo's payments (they run to October 2026), paid on 1 December.
MONTH, PAID_ON = datetime.date(2026, 11, 1), datetime.date(2026, 12, 1)
# Monthly incomes of the employer's twelve employees (below, at and above both caps).
INCOMES = (300_000, 850_000, 1_200_000, 2_000_000, 450_000, 640_000) * 2
EMPLOYER_RATE, EMPLOYER_CAP = Decimal("0.03"), Decimal(40 * 85_000)
EMPLOYEE_RATE, EMPLOYEE_CAP = Decimal("0.02"), Decimal(20 * 85_000)
ENTREPRENEUR, SELF_PAYER = Decimal("5950.00"), Decimal("4250.00")
# Declared lines of the other taxes, in the shares of a typical salary (illustrative).
OTHER_TAXES = {"ipn": Decimal("0.09"), "social_tax": Decimal("0.0525"), "opv": Decimal("0.10"),
               "so": Decimal("0.035")}

BAD_EXAMPLES = {
    PAYMENTS: "the last row pays for a valid ИИН that is not in the registry: it goes to the "
              "suspense queue (not posted, not rejected)",
    PAYMENTS_XLSX: "the same rows as the CSV",
    DECLARATIONS: "the last row names an employer (valid БИН) that is not in the registry: "
                  "rejected on employer_bin",
    CATEGORY_FEED: "the last two rows: an ИИН with a wrong check digit (rejected on iin) and "
                   "the category students, which the Ministry of Labour IS does not confirm "
                   "(rejected on category)",
    TARIFFS: "none (a tariff file loads whole or not at all)",
}


def _age(person, on=DEMO_TODAY):
    born = person.birth_date
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _money(value):
    return f"{Decimal(value).quantize(Decimal('0.01'))}"


def _working_on(day):
    return Employment.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day),
                                     started_on__lte=day)


def _employer_and_staff(count=13):
    """The demo employer with the most staff through November 2026, and its first
    ``count`` living adult employees (by person id)."""
    start, end = MONTH, datetime.date(2026, 11, 30)
    working = _working_on(end).filter(started_on__lte=start, employee__death_date__isnull=True)
    employer = (Organisation.objects.filter(kind=Organisation.Kind.EMPLOYER)
                .annotate(staff=Count("employments", filter=Q(employments__in=working)))
                .order_by("-staff", "id").first())
    staff = [e.employee for e in working.filter(employer=employer)
             .select_related("employee").order_by("employee_id")
             if 18 <= _age(e.employee) <= 62][:count]
    if employer is None or len(staff) < count:
        raise ValueError("The registry has no employer with enough staff: seed the demo first "
                         "(seed_demo --persons 3000).")
    return employer, staff


def _entrepreneurs(count=3):
    kinds = [ActivityKind.INDIVIDUAL_ENTREPRENEUR]
    activities = (Activity.objects.filter(kind__in=kinds, started_on__lte=MONTH,
                                          ended_on__isnull=True, person__death_date__isnull=True)
                  .select_related("person").order_by("person_id"))
    return [a.person for a in activities[:count]]


def _non_working(count, *, skip=(), sex=None, ages=(18, 59)):
    """Living citizens of working age with neither an employment nor an activity."""
    busy = set(_working_on(DEMO_TODAY).values_list("employee_id", flat=True))
    busy |= set(Activity.objects.values_list("person_id", flat=True))
    chosen = []
    persons = Person.objects.filter(death_date__isnull=True, citizenship=Citizenship.CITIZEN)
    if sex:
        persons = persons.filter(sex=sex)
    for person in persons.order_by("id").iterator():
        if person.pk in busy or person.pk in skip or not ages[0] <= _age(person) <= ages[1]:
            continue
        chosen.append(person)
        if len(chosen) == count:
            return chosen
    raise ValueError("Not enough non-working adults in the registry: seed the demo first.")


def _unregistered_iin():
    """A valid ИИН that is not in the registry (the suspense example)."""
    taken = set(Person.objects.values_list("iin", flat=True))
    for serial in range(9000, 10000):
        iin = make_iin(datetime.date(1960, 5, 19), "M", serial)
        if iin and iin not in taken:
            return iin
    raise ValueError("no free ИИН")


def _unregistered_bin():
    taken = set(Organisation.objects.values_list("bin", flat=True))
    for serial in range(90000, 100000):
        value = make_bin(2019, 11, serial)
        if value and value not in taken:
            return value
    raise ValueError("no free БИН")


def _self_payers():
    return _non_working(2)


def payment_rows():
    """30 rows for November 2026: an employer's 121/122 for twelve employees, three
    entrepreneurs and three self-payers (the last one not in the registry)."""
    employer, staff = _employer_and_staff()
    period, rows = f"{MONTH:%m%Y}", []
    for person, income in zip(staff, INCOMES, strict=False):
        for knp, rate, cap in (("121", EMPLOYER_RATE, EMPLOYER_CAP),
                               ("122", EMPLOYEE_RATE, EMPLOYEE_CAP)):
            rows.append([employer.bin, person.iin, person.last_name, person.first_name, period,
                         knp, _money(min(Decimal(income), cap) * rate), PAID_ON,
                         f"PP-{MONTH:%Y%m}-{employer.bin[-4:]}"])
    for person in _entrepreneurs():
        rows.append([person.iin, person.iin, person.last_name, person.first_name, period, "122",
                     _money(ENTREPRENEUR), PAID_ON, f"IP-{person.iin[-6:]}"])
    for person in _self_payers():
        rows.append([person.iin, person.iin, person.last_name, person.first_name, period, "122",
                     _money(SELF_PAYER), PAID_ON, f"SP-{person.iin[-6:]}"])
    stranger = _unregistered_iin()
    rows.append([stranger, stranger, "Калиев", "Арман", period, "122", _money(SELF_PAYER),
                 PAID_ON, f"SP-{stranger[-6:]}"])
    return rows


def declaration_rows():
    """The employer's declarations for November 2026 that match its payments, one more
    employee declared and not paid for (the discrepancy to find), and one line of an
    unregistered employer (rejected)."""
    employer, staff = _employer_and_staff()
    declared = [*zip(staff, INCOMES, strict=False), (staff[12], 500_000)]
    rows = [_declaration(employer.bin, person.iin, MONTH, Decimal(income))
            for person, income in declared]
    rows.append(_declaration(_unregistered_bin(), staff[0].iin, MONTH, Decimal(300_000)))
    return rows


def _declaration(bin_value, iin, month, income):
    return [bin_value, iin, f"{month:%Y-%m}", _money(income),
            _money(min(income, EMPLOYER_CAP) * EMPLOYER_RATE),
            _money(min(income, EMPLOYEE_CAP) * EMPLOYEE_RATE),
            *(_money(income * share) for share in OTHER_TAXES.values())]


def category_feed_rows():
    """Memberships the Ministry of Labour IS confirms, from the demo date, for non-working
    adults of the registry; then the two bad examples."""
    starts = f"{DEMO_TODAY:%Y-%m-%d}"
    payers = {p.pk for p in _self_payers()}
    men = _non_working(5, skip=payers, sex="M", ages=(25, 59))
    women = _non_working(3, skip=payers, sex="F", ages=(20, 40))
    plan = [(men[0], "disabled", "", "справка МСЭ № 2026-11-014"),
            (men[1], "disabled", "", "справка МСЭ № 2026-11-015"),
            (men[2], "unemployed", "2027-04-30", "решение ЦЗН № 318"),
            (women[0], "unemployed", "2027-04-30", "решение ЦЗН № 319"),
            (men[3], "welfare_d", "", "цифровая карта семьи, уровень D"),
            (men[4], "welfare_e", "", "цифровая карта семьи, уровень E"),
            (women[1], "parent_child_under_3", "2028-03-31", "свидетельство о рождении ребёнка"),
            (women[2], "mothers_many_children", "", "удостоверение «Күміс алқа»")]
    rows = [[p.iin, code, starts, ends, document] for p, code, ends, document in plan]
    wrong_digit = men[0].iin[:11] + str((int(men[0].iin[11]) + 1) % 10)
    rows.append([wrong_digit, "disabled", starts, "", "справка МСЭ № 2026-11-016"])
    rows.append([women[0].iin, "students", starts, "2027-06-30", "справка вуза № 77"])
    return rows


TARIFF_ROWS = [
    # КЗГ groups the demo has no rate for, from 2027 (illustrative amounts, not the Ministry's).
    ["ST04.002", "Холецистэктомия", "inpatient_planned", "1", "1.40", "287500.00", "2027-01-01", ""],
    ["ST04.002", "Холецистэктомия", "inpatient_planned", "2", "1.95", "401000.00", "2027-01-01", ""],
    ["ST05.001", "Пневмония", "inpatient_emergency", "1", "1.10", "226300.00", "2027-01-01", ""],
    ["ST05.001", "Пневмония", "inpatient_emergency", "2", "1.60", "329100.00", "2027-01-01", ""],
    ["DS01.003", "Гемодиализ", "day_hospital", "1", "0.35", "72400.00", "2027-01-01", ""],
]


def _csv(header, rows, delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[f"{v:%Y-%m-%d}" if isinstance(v, datetime.date) else v for v in row]
                      for row in rows])
    return buffer.getvalue()


def sample_texts():
    """{path: text} of every CSV sample, from the registry in the database."""
    payments = payment_rows()
    return {
        PAYMENTS: _csv(["payer_id", "iin", "last_name", "first_name", "period", "knp", "amount",
                        "paid_on", "document_no"], payments),
        DECLARATIONS: _csv(["employer_bin", "iin", "period", "income", "osms_deduction",
                            "osms_contribution", *OTHER_TAXES], declaration_rows(), ";"),
        CATEGORY_FEED: _csv(["iin", "category", "starts_on", "ends_on", "document"],
                            category_feed_rows()),
        TARIFFS: _csv(["code", "name", "care_type", "severity", "cost_weight", "amount",
                       "valid_from", "valid_to"], TARIFF_ROWS),
    }


def payments_workbook_rows(payments_csv):
    """The xlsx sample's rows: the CSV's, amounts as numbers and payment dates as dates."""
    rows = list(csv.reader(io.StringIO(payments_csv)))
    typed = [rows[0]]
    for row in rows[1:]:
        typed.append([*row[:6], float(row[6]), datetime.datetime.fromisoformat(row[7]), row[8]])
    return typed


def write_samples(directory_root=ROOT):
    """Write every sample under ``directory_root`` (the repository by default); returns paths."""
    import openpyxl

    written = []
    texts = sample_texts()
    for path, text in texts.items():
        target = Path(directory_root) / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "payments"
    for row in payments_workbook_rows(texts[PAYMENTS]):
        sheet.append(row)
    for cell in sheet["H"][1:]:
        cell.number_format = "yyyy-mm-dd"
    target = Path(directory_root) / PAYMENTS_XLSX.relative_to(ROOT)
    workbook.save(target)
    written.append(target)
    return written
