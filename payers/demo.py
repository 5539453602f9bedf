"""Synthetic registry for demos and benchmarks (``manage.py seed_demo``).

Deterministic for the given ``random.Random``: valid ИИН with a plausible age
pyramid, regions weighted by population, employers with employees, individual
entrepreneurs and private practitioners. Rows are written with PostgreSQL COPY
(about a million persons a minute) or ``bulk_create`` on SQLite.
"""

import datetime
from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone

from osms.core.models import Region

from .models import Activity, ActivityKind, Citizenship, Employment, Organisation, Person, TaxRegime
from .validators import make_bin, make_iin

DEMO_TODAY = datetime.date(2026, 11, 1)

# Share of the population by age band (years from, to), after the 2024 census pyramid.
AGE_BANDS = [
    ((0, 4), 9.0), ((5, 9), 9.5), ((10, 14), 8.5), ((15, 17), 4.6), ((18, 24), 8.0),
    ((25, 34), 15.0), ((35, 44), 14.5), ((45, 54), 11.5), ((55, 64), 10.0),
    ((65, 74), 6.5), ((75, 90), 2.9),
]
CITIZENSHIP_WEIGHTS = [
    (Citizenship.CITIZEN, 970), (Citizenship.KANDAS, 15), (Citizenship.FOREIGN_PERMANENT, 9),
    (Citizenship.FOREIGN_TEMPORARY, 5), (Citizenship.STATELESS, 1),
]
MALE_NAMES = ["Айдар", "Ерлан", "Нурлан", "Данияр", "Алихан", "Арман", "Бауыржан", "Тимур",
              "Руслан", "Санжар", "Иван", "Сергей", "Дмитрий", "Ерболат", "Мирас", "Асхат"]
FEMALE_NAMES = ["Айгерим", "Динара", "Жанар", "Гульнара", "Асель", "Камила", "Мадина",
                "Сауле", "Алия", "Дана", "Ольга", "Елена", "Айжан", "Томирис", "Зарина", "Меруерт"]
SURNAMES = ["Ахметов", "Жумабаев", "Садыков", "Касымов", "Нурпеисов", "Омаров", "Серикбаев",
            "Тулегенов", "Абенов", "Исмаилов", "Калиев", "Мухамеджанов", "Иванов", "Смирнов",
            "Ким", "Байжанов", "Ермеков", "Султанов", "Есенов", "Бекмухамбетов"]
PATRONYMS = ["Серик", "Марат", "Болат", "Кайрат", "Нурлан", "Ержан", "Александр", "Талгат"]
COMPANY_WORDS = ["Казахстан", "Астана", "Алатау", "Сарыарка", "Жетысу", "Каспий", "Береке",
                 "Болашак", "Нур", "Самал", "Темир", "Алтын", "Строй", "Сервис", "Агро", "Трейд"]


def _feminine(surname):
    if surname.endswith(("ов", "ев", "ин")):
        return surname + "а"
    return surname


def _pick_weighted(rng, items, weights_total):
    point = rng.random() * weights_total
    for item, weight in items:
        point -= weight
        if point <= 0:
            return item
    return items[-1][0]


class _IinAllocator:
    """Hands out unique valid ИИН per (birth date, sex), skipping unusable serials."""

    def __init__(self, taken=()):
        self.next_serial = defaultdict(int)
        self.taken = set(taken)

    def allocate(self, birth_date, sex):
        key = (birth_date, sex)
        while self.next_serial[key] < 10000:
            serial = self.next_serial[key]
            self.next_serial[key] += 1
            iin = make_iin(birth_date, sex, serial)
            if iin and iin not in self.taken:
                return iin
        return None


def _random_birth_date(rng):
    (age_from, age_to) = _pick_weighted(rng, [(b, w) for b, w in AGE_BANDS], 100.0)
    age_days = rng.randint(age_from * 365, (age_to + 1) * 365 - 1)
    return DEMO_TODAY - datetime.timedelta(days=age_days)


def _copy_rows(model, columns, rows):
    """COPY rows into the model's table (PostgreSQL) or bulk_create them (others)."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    else:
        attnames = [c[:-3] + "_id" if c.endswith("_id") else c for c in columns]
        objs = [model(**dict(zip(attnames, row, strict=True))) for row in rows]
        model.objects.bulk_create(objs, batch_size=2000)


def _new_ids(model, after_id):
    return list(model.objects.filter(id__gt=after_id).order_by("id").values_list("id", flat=True))


def _max_id(model):
    return model.objects.order_by("-id").values_list("id", flat=True).first() or 0


@transaction.atomic
def seed_registry(*, rng, persons, stdout=None):
    """Create ``persons`` persons, employers, employments and activities; returns counts."""
    now = timezone.now()
    regions = list(Region.objects.order_by("kato").values_list("id", "population"))
    region_total = sum(p or 1 for _, p in regions)
    region_items = [(rid, p or 1) for rid, p in regions]
    citizenship_total = sum(w for _, w in CITIZENSHIP_WEIGHTS)
    allocator = _IinAllocator(Person.objects.values_list("iin", flat=True))

    person_rows, person_meta = [], []
    for _ in range(persons):
        sex = "M" if rng.random() < 0.49 else "F"
        iin = None
        while iin is None:
            birth_date = _random_birth_date(rng)
            iin = allocator.allocate(birth_date, sex)
        surname = rng.choice(SURNAMES)
        if sex == "F":
            first, last = rng.choice(FEMALE_NAMES), _feminine(surname)
            middle = rng.choice(PATRONYMS) + "овна"
        else:
            first, last = rng.choice(MALE_NAMES), surname
            middle = rng.choice(PATRONYMS) + "ович"
        region_id = _pick_weighted(rng, region_items, region_total)
        citizenship = _pick_weighted(rng, CITIZENSHIP_WEIGHTS, citizenship_total)
        age = (DEMO_TODAY - birth_date).days // 365
        death = None
        if age > 60 and rng.random() < 0.01:
            death = DEMO_TODAY - datetime.timedelta(days=rng.randint(1, 700))
        person_rows.append((iin, last, first, middle, birth_date, sex, str(citizenship),
                            region_id, death, now, now))
        person_meta.append((region_id, age, death, str(citizenship)))
    before = _max_id(Person)
    _copy_rows(Person, ["iin", "last_name", "first_name", "middle_name", "birth_date", "sex",
                        "citizenship", "region_id", "death_date", "created_at", "updated_at"],
               person_rows)
    person_ids = _new_ids(Person, before)

    # Employers: about one per 40 persons, in every region, weighted like the population.
    taken_bins = set(Organisation.objects.values_list("bin", flat=True))
    employer_rows, employer_regions = [], []
    serial = len(taken_bins)
    for _ in range(max(persons // 40, len(regions))):
        region_id = _pick_weighted(rng, region_items, region_total)
        bin_value = None
        while bin_value is None or bin_value in taken_bins:
            serial += 1
            bin_value = make_bin(rng.randint(1998, 2024), rng.randint(1, 12), serial % 100000)
        taken_bins.add(bin_value)
        name = f"ТОО «{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_WORDS)}-{serial}»"
        employer_rows.append((bin_value, name, Organisation.Kind.EMPLOYER.value, region_id, now, now))
        employer_regions.append(region_id)
    before = _max_id(Organisation)
    _copy_rows(Organisation, ["bin", "name", "kind", "region_id", "created_at", "updated_at"],
               employer_rows)
    employer_ids = _new_ids(Organisation, before)
    employers_by_region = defaultdict(list)
    for employer_id, region_id in zip(employer_ids, employer_regions, strict=True):
        employers_by_region[region_id].append(employer_id)

    employment_rows, activity_rows = [], []
    activity_kinds = [(ActivityKind.INDIVIDUAL_ENTREPRENEUR, 90), (ActivityKind.NOTARY, 3),
                      (ActivityKind.BAILIFF, 2), (ActivityKind.LAWYER, 4), (ActivityKind.MEDIATOR, 1)]
    regimes = [TaxRegime.SIMPLIFIED, TaxRegime.PATENT, TaxRegime.GENERAL, TaxRegime.RETAIL]
    for person_id, (region_id, age, death, _citizenship) in zip(person_ids, person_meta, strict=True):
        if death or not 18 <= age <= 63:
            continue
        draw = rng.random()
        if draw < 0.52:
            pool = employers_by_region[region_id] or employer_ids
            started = DEMO_TODAY - datetime.timedelta(days=rng.randint(30, 3650))
            ended = None
            if rng.random() < 0.06:
                ended = started + datetime.timedelta(days=rng.randint(30, 600))
                ended = min(ended, DEMO_TODAY)
            employment_rows.append((rng.choice(pool), person_id, started, ended))
        elif draw < 0.58:
            kind = _pick_weighted(rng, activity_kinds, 100)
            started = DEMO_TODAY - datetime.timedelta(days=rng.randint(30, 3650))
            activity_rows.append((person_id, str(kind), str(rng.choice(regimes)), started, None))
    _copy_rows(Employment, ["employer_id", "employee_id", "started_on", "ended_on"], employment_rows)
    _copy_rows(Activity, ["person_id", "kind", "tax_regime", "started_on", "ended_on"], activity_rows)
    counts = {"persons": len(person_ids), "employers": len(employer_ids),
              "employments": len(employment_rows), "activities": len(activity_rows)}
    if stdout is not None:
        stdout.write("registry: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return counts


def seed(*, rng, persons, stdout=None):
    from .demo_payments import seed_payments

    seed_registry(rng=rng, persons=persons, stdout=stdout)
    seed_payments(rng=rng, today=DEMO_TODAY, stdout=stdout)
