"""The case rows of a generated month (``synthetic.World``) and the defects planted in it."""

import datetime
import random
from collections import defaultdict

from payers.validators import make_iin

from .importer.readers import COLUMNS
from .synthetic import (
    AIR,
    BED_PROFILE,
    BED_RATE,
    DENTAL,
    GOBMP_CODES,
    IN_CODES,
    KZG,
    NO_PRICE,
    OUT_CODES,
    SERVICES,
    SEVERITY,
    unknown_icd10_code,
)

OUTPATIENT_PER_PERSON = 5.0   # 5 M services for 1 M persons
INPATIENT_PER_PERSON = 0.3    # 300 k cases for 1 M persons


def _row(**values):
    return [str(values.get(c, "")) for c in COLUMNS]


class MonthBuilder:
    def __init__(self, world, seed):
        self.world, self.rng = world, random.Random(seed)
        self.rows, self.planted = [], defaultdict(set)
        self.serial = 0
        self.stays = []  # (iin, provider index, admitted, discharged)
        self.visits = []  # (iin, provider index, day, code)

    def day(self, n):
        return self.world.month + datetime.timedelta(days=n - 1)

    def number(self, prefix):
        self.serial += 1
        return f"{prefix}{self.world.month:%y%m}-{self.serial:08d}"

    def outpatient(self, iin, provider, day, code, icd10, *, qty=1, care="consultative_diagnostic",
                   amount=None, price=None, plant=None):
        price = price if price is not None else SERVICES.get(code, 0)
        total = amount if amount is not None else price * qty
        number = self.number("O")
        bin_ = self.world.providers[provider][1]
        self.rows.append(_row(provider_bin=bin_, case_number=number, care_type=care,
                              form="planned", iin=iin, icd10=icd10, service_date=day.isoformat(),
                              services=f"{code}*{qty}", tariff=price, amount_claimed=total))
        if plant:
            self.planted[plant].add((bin_, number))
        return number

    def stay(self, iin, provider, admitted, discharged, icd10, *, care="inpatient_planned",
             kzg=None, severity=1, plant=None, form="planned"):
        bin_ = self.world.providers[provider][1]
        number = self.number("S")
        if care == "rehabilitation":
            days = max(1, (discharged - admitted).days)
            tariff, amount, kzg_code, profile, sev = BED_RATE, BED_RATE * days, "", BED_PROFILE, ""
        else:
            kzg_code, profile, sev = kzg, "", severity
            tariff = amount = KZG[kzg] * SEVERITY[severity]
        self.rows.append(_row(provider_bin=bin_, case_number=number, care_type=care, form=form,
                              iin=iin, icd10=icd10, kzg_code=kzg_code, severity=sev,
                              bed_profile=profile, admitted_on=admitted.isoformat(),
                              discharged_on=discharged.isoformat(), tariff=tariff,
                              amount_claimed=amount))
        if plant:
            self.planted[plant].add((bin_, number))
        return number

    def base(self):
        world, rng = self.world, self.rng
        people = world.insured + world.uninsured
        insured = {iin for iin, _s, _b in world.insured}
        rng.shuffle(people)
        n_in = int(len(people) * INPATIENT_PER_PERSON)
        inpatients, outpatients = people[:n_in], people[n_in:]
        per_person = OUTPATIENT_PER_PERSON * len(people) / max(1, len(outpatients))
        last_provider = len(world.providers) - 1
        for iin, _sex, _born in outpatients:
            count = min(world.days, max(1, round(rng.expovariate(1 / per_person))))
            codes = OUT_CODES if iin in insured else GOBMP_CODES
            for day in rng.sample(range(1, world.days + 1), count):
                code = rng.choice(list(SERVICES))
                provider = rng.randrange(len(world.providers))
                self.outpatient(iin, provider, self.day(day), code, rng.choice(codes),
                                qty=rng.choice((1, 1, 1, 2, 3)))
                self.visits.append((iin, provider, day, code, self.rows[-1][5]))
        for iin, _sex, _born in inpatients:
            length = rng.randint(2, 12)
            admitted = rng.randint(1, world.days - length)
            provider = rng.randrange(len(world.providers))
            a, d = self.day(admitted), self.day(admitted + length)
            if iin not in insured:
                self.stay(iin, provider, a, d, rng.choice(IN_CODES), care="inpatient_emergency",
                          kzg=rng.choice(list(KZG)), severity=1, form="emergency")
            elif rng.random() < 0.1 and provider != last_provider:
                self.stay(iin, provider, a, d, "M54.5", care="rehabilitation")
            else:
                self.stay(iin, provider, a, d, rng.choice(IN_CODES),
                          kzg=rng.choice(list(KZG)),
                          severity=rng.choices((1, 2, 3), weights=(60, 30, 10))[0])
            self.stays.append((iin, provider, admitted, admitted + length))

    def plant(self, times):
        world, rng = self.world, self.rng
        n_prov = len(world.providers)
        adults = world.spare
        women = [p for p in adults if p[1] == "F"]
        men = [p for p in adults if p[1] == "M" and world.month.year - p[2].year <= 55]
        unknown_icd = unknown_icd10_code()
        plain_days = iter(range(10 ** 6))
        for k in range(times):
            day = self.day(10 + k % 10)
            p = k % n_prov
            # a serial whose check digit is usable (make_iin gives None for about one in
            # eleven; at 1 M persons a hundred of each defect are planted)
            fresh = next(iin for shift in range(0, 9000, 100) if (iin := make_iin(
                datetime.date(1977, 1 + k % 12, 1 + k % 27), "M", 9000 + k - shift)))
            self.outpatient(fresh, p, day, "MS01", "I10", plant="PATIENT_UNKNOWN")
            bad = fresh[:11] + str((int(fresh[11]) + 1) % 10)
            self.outpatient(bad, p, day, "MS01", "I10", plant="IIN_INVALID")
            dead_iin, _died = world.dead[k % len(world.dead)]
            self.outpatient(dead_iin, p, day, "MS02", "I10", plant="AFTER_DEATH")
            poor = world.spare_uninsured[k % len(world.spare_uninsured)][0]
            self.stay(poor, p, self.day(3), self.day(6), "K80.2", kzg="MK01",
                      plant="NOT_INSURED")
            foreigner = world.foreigners[k % len(world.foreigners)][0]
            self.outpatient(foreigner, p, day, AIR, "S72.0", care="air_ambulance",
                            price=250000, plant="NOT_IN_PACKAGE")
            person = adults[(k * 7) % len(adults)][0]
            self.outpatient(person, p, self.day(1 + next(plain_days) % world.days), "MS03",
                            unknown_icd, plant="UNKNOWN_ICD10")
            self.outpatient(adults[(k * 7 + 1) % len(adults)][0], p, day, DENTAL, "K02.1",
                            care="dental", price=7000, plant="NO_CONTRACT")
            self.stay(adults[(k * 7 + 2) % len(adults)][0], n_prov - 1, self.day(2),
                      self.day(8), "M54.5", care="rehabilitation", plant="NO_LICENCE")
            self.outpatient(adults[(k * 7 + 3) % len(adults)][0], p, day, NO_PRICE, "I10",
                            price=5000, plant="NO_TARIFF")
            self.outpatient(adults[(k * 7 + 4) % len(adults)][0], p, day, "MS04", "I10",
                            amount=SERVICES["MS04"] + 1000, plant="AMOUNT_MISMATCH")
            self.stay(adults[(k * 7 + 5) % len(adults)][0], p, self.day(12), self.day(9),
                      "K80.2", kzg="MK02", plant="DATES_INCONSISTENT")
            iin, prov, vday, code, icd10 = self.visits[(k * 131) % len(self.visits)]
            self.outpatient(iin, prov, self.day(vday), code, icd10, plant="DUPLICATE_SERVICE")
            self._stay_plants(k, rng)
            self.outpatient(women[k % len(women)][0], p, day, "MS05", "N40",
                            plant="SEX_DIAGNOSIS")
            self.outpatient(men[k % len(men)][0], p, day, "MS05", "O80", plant="SEX_DIAGNOSIS")
            self.outpatient(adults[(k * 7 + 6) % len(adults)][0], p, day, "MS06", "P07.3",
                            plant="AGE_DIAGNOSIS")

    def _stay_plants(self, k, rng):
        world = self.world
        n_prov = len(world.providers)
        usable = [s for s in self.stays if s[3] < world.days and s[3] - s[2] >= 2]
        iin, prov, admitted, discharged = usable[(k * 17) % len(usable)]
        other = (prov + 1) % n_prov
        self.stay(iin, other, self.day(admitted + 1), self.day(discharged + 1), "J18.9",
                  care="inpatient_emergency", kzg="MK03", form="emergency",
                  plant="OVERLAPPING_STAY")
        iin, prov, admitted, discharged = usable[(k * 17 + 5) % len(usable)]
        self.outpatient(iin, (prov + 1) % n_prov, self.day(admitted + 1), "MS07", "C50.9",
                        plant="OUTPATIENT_DURING_STAY")


def month_rows(world, *, seed=1):
    """(rows, planted): the month's case rows in file order and the planted defects."""
    builder = MonthBuilder(world, seed)
    builder.base()
    builder.plant(world.plants)
    return builder.rows, {code: set(cases) for code, cases in builder.planted.items()}


def write_csv(rows, path):
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
