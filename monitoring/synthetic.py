"""A generated world and month of cases with planted defects (tests, bench, demo).

``build_world`` writes a region's providers (contracts signed for the month's year,
licences), tariffs, persons (insured through a benefit category, or not) and runs the
status recomputation on the month's first day, so the status history answers for every
day of the month. ``month_rows`` returns the case rows of a month (the file format of
docs/formats/cases.md) and the planted defects: {rule code: {(БИН, case number)}}.

Base cases are clean by construction: outpatient and inpatient patients are disjoint
sets, a patient's services fall on distinct days, an inpatient patient has one stay,
diagnoses carry no sex or age restriction, the uninsured get only care the ГОБМП part
pays for. Each planted case breaks exactly one rule.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from coverage.models import BenefitCategory, CategoryMembership
from osms.core.models import Region
from osms.core.periods import add_months, last_day
from packages.models import CareType, Icd10Code, TariffBedDay, TariffCaseRate, TariffServicePrice
from payers.models import Citizenship, Person
from payers.validators import make_bin, make_iin
from purchasing.models import (
    Allocation,
    Campaign,
    Contract,
    ContractItem,
    Protocol,
    Provider,
    ProviderLicence,
)

TARIFFS_FROM = datetime.date(2025, 1, 1)
KZG = {f"MK{n:02d}": Decimal(150000 + 25000 * n) for n in range(1, 9)}
SEVERITY = {1: Decimal("1"), 2: Decimal("1.4"), 3: Decimal("2")}
SERVICES = {f"MS{n:02d}": Decimal(3000 + 750 * n) for n in range(1, 13)}
AIR, DENTAL, BED_PROFILE, BED_RATE = "MA01", "MD01", "mrehab", Decimal("21000")
NO_PRICE = "MS99"
OUT_CODES = ["I10", "I25.9", "E11.9", "K29.7", "M54.5", "J45.9", "J18.9", "H52.1", "L20.9"]
GOBMP_CODES = ["C50.9", "A15.0", "C18.9"]  # socially significant: ГОБМП for every resident
IN_CODES = ["K80.2", "I21.9", "J18.9", "S72.0", "K35.8", "I63.9", "E11.5"]
ITEM_TYPES = ("consultative_diagnostic", "inpatient_planned", "inpatient_emergency",
              "rehabilitation", "air_ambulance")
PLANTED_RULES = ("PATIENT_UNKNOWN", "IIN_INVALID", "AFTER_DEATH", "NOT_INSURED",
                 "NOT_IN_PACKAGE", "UNKNOWN_ICD10", "NO_CONTRACT", "NO_LICENCE", "NO_TARIFF",
                 "AMOUNT_MISMATCH", "DATES_INCONSISTENT", "DUPLICATE_SERVICE",
                 "OVERLAPPING_STAY", "OUTPATIENT_DURING_STAY", "SEX_DIAGNOSIS",
                 "AGE_DIAGNOSIS")


@dataclass
class World:
    region: object
    month: datetime.date
    providers: list  # [(id, bin)]
    insured: list  # [(iin, sex, birth_date)]
    uninsured: list
    dead: list  # [(iin, death_date)]
    foreigners: list
    spare: list = field(default_factory=list)  # insured, no base cases: planted cases' patients
    spare_uninsured: list = field(default_factory=list)
    plants: int = 3
    care: dict = field(default_factory=dict)

    @property
    def days(self):
        return last_day(self.month).day


def _region():
    region, _created = Region.objects.get_or_create(
        kato="750000000", defaults={"name_ru": "г. Алматы", "name_kk": "Алматы қ.",
                                    "name_en": "Almaty", "kind": "city"})
    return region


def _tariffs(care):
    for code, base in KZG.items():
        for kind in ("inpatient_planned", "inpatient_emergency"):
            for severity, k in SEVERITY.items():
                TariffCaseRate.objects.get_or_create(
                    code=code, care_type=care[kind], severity=severity, valid_from=TARIFFS_FROM,
                    defaults={"name": f"КЗГ {code}", "amount": base * k})
    for code, price in SERVICES.items():
        TariffServicePrice.objects.get_or_create(
            code=code, valid_from=TARIFFS_FROM,
            defaults={"name": code, "price": price, "care_type": care["consultative_diagnostic"]})
    for code, kind, price in ((AIR, "air_ambulance", "250000"), (DENTAL, "dental", "7000")):
        TariffServicePrice.objects.get_or_create(
            code=code, valid_from=TARIFFS_FROM,
            defaults={"name": code, "price": Decimal(price), "care_type": care[kind]})
    TariffBedDay.objects.get_or_create(
        profile=BED_PROFILE, valid_from=TARIFFS_FROM,
        defaults={"name": "Реабилитация", "rate": BED_RATE, "care_type": care["rehabilitation"]})


def _contracts(region, providers, care, year, item_amount):
    for kind in ITEM_TYPES + ("dental",):
        campaign, _c = Campaign.objects.get_or_create(
            year=year, region=region, care_type=care[kind], defaults=dict(
                planned_volume=1000, unit_price=Decimal("1000"), budget=Decimal("1000000"),
                applications_deadline=datetime.date(year - 1, 11, 1), status="closed"))
        allocation, _c = Allocation.objects.get_or_create(
            campaign=campaign, version=1, defaults=dict(algorithm="synthetic",
                                                        distributable_volume=1000))
        protocol, _c = Protocol.objects.get_or_create(
            allocation=allocation, defaults=dict(campaign=campaign, status="approved",
                                                 number=f"MON-{year}-{region.kato[:2]}-{kind[:20]}"))
        if kind == "dental":
            continue  # licences for dental care, no contract items: NO_CONTRACT is planted
        for provider_id, bin_ in providers:
            contract, _c = Contract.objects.get_or_create(
                provider_id=provider_id, region=region, year=year, defaults=dict(
                    number=f"MON-{year}-{bin_}", status="signed",
                    signed_on=datetime.date(year - 1, 12, 20)))
            ContractItem.objects.get_or_create(
                contract=contract, care_type=care[kind], defaults=dict(
                    protocol=protocol, volume=1000, unit_price=Decimal("1000"),
                    amount=item_amount))


def _providers(region, count, care, month):
    rows = []
    for n in range(count):
        bin_ = make_bin(2010, 1 + n % 12, 70000 + n) or make_bin(2011, 1 + n % 12, 80000 + n)
        provider, _c = Provider.objects.get_or_create(bin=bin_, defaults=dict(
            name=f"Клиника мониторинга {n + 1}", ownership="private", region=region,
            kato=region.kato, locality="city", inclusion="included"))
        rows.append((provider.pk, bin_))
        last = n == count - 1
        for kind in ITEM_TYPES + ("dental",):
            expired = last and kind == "rehabilitation"
            ProviderLicence.objects.get_or_create(
                provider=provider, care_type=care[kind], number=f"L-{bin_}-{kind}"[:50],
                defaults=dict(issued_on=datetime.date(2015, 1, 1),
                              valid_until=add_months(month, -2) if expired else None))
    return rows


def _people(region, rng, count, used):
    made = []
    while len(made) < count:
        born = datetime.date(rng.randint(1940, 2004), rng.randint(1, 12), rng.randint(1, 28))
        sex = rng.choice("MF")
        iin = make_iin(born, sex, rng.randint(0, 9999))
        if iin is None or iin in used:
            continue
        used.add(iin)
        made.append((iin, sex, born))
    return made


def _copy_people(region, category, people, members):
    """The persons (birth date and sex as the ИИН says) and the insured ones' category
    memberships, COPYed; the memberships joined to the new persons by ИИН on the server."""
    now = timezone.now()
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        with cursor.copy(f"COPY {Person._meta.db_table} (iin, last_name, first_name, "
                         "middle_name, birth_date, sex, citizenship, region_id, death_date, "
                         "created_at, updated_at) FROM STDIN") as copy:
            for iin, sex, born, citizenship, died in people:
                copy.write_row((iin, "Тестов", "М", "", born, sex, citizenship, region.pk,
                                died, now, now))
        cursor.execute("CREATE TEMP TABLE monitoring_world_members (iin text) ON COMMIT DROP")
        with cursor.copy("COPY monitoring_world_members (iin) FROM STDIN") as copy:
            for iin in members:
                copy.write_row((iin,))
        cursor.execute(
            f"INSERT INTO {CategoryMembership._meta.db_table} (person_id, category_id, "
            "starts_on, source, document, changed_at) "
            f"SELECT p.id, %s, date '2020-01-01', 'feed', 'синтетика', %s "
            f"FROM monitoring_world_members m JOIN {Person._meta.db_table} p ON p.iin = m.iin",
            [category.pk, now])


def build_world(*, persons, month, seed=1, item_amount=Decimal("900000000")):
    from coverage import services as coverage_services

    with transaction.atomic():
        world = _build(persons=persons, month=month, seed=seed, item_amount=item_amount)
    coverage_services.status_recompute(on=month, full=True)
    return world


def _build(*, persons, month, seed, item_amount):
    rng = random.Random(seed)
    region = _region()
    care = {c.code: c for c in CareType.objects.all()}
    _tariffs(care)
    providers = _providers(region, max(4, persons // 5000), care, month)
    _contracts(region, providers, care, month.year, item_amount)
    used = set(Person.objects.values_list("iin", flat=True))
    plants = max(3, persons // 10000)
    insured = _people(region, rng, int(persons * 0.85), used)
    uninsured = _people(region, rng, persons - len(insured), used)
    spare = _people(region, rng, 20 * plants + 50, used)
    spare_uninsured = _people(region, rng, plants + 5, used)
    # one person per planted case (from 20: a person planted twice on the same day with the
    # same service code is a duplicate service too, which the control rightly finds)
    dead = _people(region, rng, max(20, plants), used)
    foreigners = _people(region, rng, max(20, plants), used)
    death = month + datetime.timedelta(days=1)
    people = [(iin, sex, born, citizenship, death if group is dead else None)
              for group, citizenship in ((insured + spare, "citizen"),
                                         (uninsured + spare_uninsured, "citizen"),
                                         (dead, "citizen"),
                                         (foreigners, Citizenship.FOREIGN_TEMPORARY))
              for iin, sex, born in group]
    category = BenefitCategory.objects.get(code="disabled")
    if connection.vendor == "postgresql":  # a million persons at COPY speed (bench)
        _copy_people(region, category, people, {iin for iin, _s, _b in insured + spare})
    else:
        rows = []
        for iin, _sex, _born, citizenship, died in people:
            person = Person(iin=iin, last_name="Тестов", first_name="М", region=region,
                            citizenship=citizenship, death_date=died)
            person.derive_from_iin()
            rows.append(person)
        Person.objects.bulk_create(rows, batch_size=5000)
        ids = dict(Person.objects.filter(iin__in=[iin for iin, _s, _b in insured + spare])
                   .values_list("iin", "id"))
        CategoryMembership.objects.bulk_create(
            [CategoryMembership(person_id=ids[iin], category=category,
                                starts_on=datetime.date(2020, 1, 1), source="feed",
                                document="синтетика") for iin, _s, _b in insured + spare],
            batch_size=5000)
    world = World(region=region, month=month, providers=providers, insured=insured,
                  uninsured=uninsured, dead=[(iin, month + datetime.timedelta(days=1))
                                             for iin, _s, _b in dead],
                  foreigners=foreigners, spare=spare, spare_uninsured=spare_uninsured,
                  plants=plants, care=care)
    return world


def unknown_icd10_code():
    for candidate in ("I10.9", "E11.99", "K29.99", "A00.7"):
        if not Icd10Code.objects.filter(code=candidate).exists():
            return candidate
    raise RuntimeError("no unknown ICD-10 candidate")
