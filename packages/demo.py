"""Demo data of the package (``manage.py seed_demo``): the full WHO ICD-10 and
illustrative tariffs so the admin tools work out of the box.

The tariff amounts here are synthetic demo values, not the Ministry's tariffs:
real ones are imported from Excel (docs/formats/tariffs.md).
"""

import datetime
from decimal import Decimal

from osms.core.models import Region

from .icd10_load import icd10_load
from .models import (
    CareType,
    Icd10Code,
    TariffBedDay,
    TariffCaseRate,
    TariffPhcCoefficient,
    TariffPhcNorm,
    TariffServicePrice,
)

START = datetime.date(2026, 1, 1)
AGE_SEX = [((0, 0), "", "3.9000"), ((1, 4), "", "2.1000"), ((5, 14), "", "1.2000"),
           ((15, 49), "F", "1.3000"), ((15, 49), "M", "0.7000"), ((50, 64), "", "1.1000"),
           ((65, 120), "", "1.8000")]
CASE_GROUPS = [("ST01.001", "Аппендэктомия", "inpatient_planned"),
               ("ST02.010", "Острый инфаркт миокарда", "inpatient_emergency"),
               ("DS05.002", "Химиотерапия", "day_hospital")]
SERVICES = [("A01.001.000", "Приём врача-терапевта", 3200),
            ("B03.016.002", "Общий анализ крови", 1450),
            ("C03.005.001", "Ультразвуковое исследование органов брюшной полости", 6100)]


def seed(*, rng, persons, stdout):
    if not Icd10Code.objects.exists():
        counts = icd10_load()
        stdout.write(f"packages: ICD-10 {counts['loaded']} codes loaded")
    if TariffPhcNorm.objects.exists():
        return
    care = {c.code: c for c in CareType.objects.all()}
    TariffPhcNorm.objects.create(amount=Decimal("1320.00"), valid_from=START,
                                 legal_basis="demo")
    TariffPhcCoefficient.objects.bulk_create(
        [TariffPhcCoefficient(kind="density", region=region, valid_from=START,
                              value=Decimal(rng.randrange(10000, 13000)) / 10000)
         for region in Region.objects.all()]
        + [TariffPhcCoefficient(kind="age_sex", age_from=low, age_to=high, sex=sex,
                                value=Decimal(value), valid_from=START)
           for (low, high), sex, value in AGE_SEX]
    )
    TariffCaseRate.objects.bulk_create(
        TariffCaseRate(code=code, name=name, care_type=care[care_code], severity=level,
                       amount=Decimal(rng.randrange(150, 900) * 1000) * level,
                       valid_from=START)
        for code, name, care_code in CASE_GROUPS for level in (1, 2, 3)
    )
    TariffServicePrice.objects.bulk_create(
        TariffServicePrice(code=code, name=name, care_type=care["consultative_diagnostic"],
                           price=Decimal(price), valid_from=START)
        for code, name, price in SERVICES
    )
    TariffBedDay.objects.create(profile="child_rehabilitation", name="Детская реабилитация",
                                care_type=care["rehabilitation"], rate=Decimal("41250.00"),
                                valid_from=START)
    stdout.write("packages: demo tariffs for 2026")
