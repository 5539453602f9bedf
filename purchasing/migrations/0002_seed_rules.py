"""Seed the effective-dated purchasing rules (docs/domain.md §7); operators correct them in the admin.

- PHC co-execution caps: at most 60 % of the volume in districts, 50 % in cities.
- Commission composition: Fund staff at most 40 %, later 25 % (the change date is
  an assumption from the source decks: verify and correct in the admin); quorum two
  thirds of the voting members; the deputy chair from the regional health
  department (regional) or the Ministry of Health (republican).
- Rating components of the providers' points rating and their weights.
"""

import datetime
from decimal import Decimal

from django.db import migrations

DECKS = "Разъяснительные материалы ФСМС (закуп)"
START = datetime.date(2020, 1, 1)
FUND_SHARE_CHANGED = datetime.date(2023, 1, 1)

RATING_COMPONENTS = [
    # code, ru, kk, en, weight
    ("quality", "Индикаторы качества", "Сапа индикаторлары", "Quality indicators", "0.35"),
    ("throughput", "Пропускная способность", "Өткізу қабілеті", "Throughput", "0.25"),
    ("staffing", "Укомплектованность кадрами", "Кадрлармен жасақталуы", "Staffing", "0.15"),
    ("equipment", "Оснащённость", "Жарақтандырылуы", "Equipment", "0.15"),
    ("complaints", "Обоснованные жалобы (обратная шкала)",
     "Негізді шағымдар (кері шкала)", "Justified complaints (inverse)", "0.10"),
]


def seed(apps, schema_editor):
    CareType = apps.get_model("packages", "CareType")
    CoExecutionCap = apps.get_model("purchasing", "CoExecutionCap")
    CompositionRule = apps.get_model("purchasing", "CompositionRule")
    RatingComponent = apps.get_model("purchasing", "RatingComponent")
    phc = CareType.objects.filter(code="phc").first()
    if phc is not None:
        for locality, share in (("district", "0.6000"), ("city", "0.5000")):
            CoExecutionCap.objects.get_or_create(
                care_type=phc, locality=locality, valid_from=START,
                defaults={"max_share": Decimal(share), "source": DECKS},
            )
    for kind, body in (("regional", "health_department"), ("republican", "ministry_of_health")):
        CompositionRule.objects.get_or_create(
            commission_kind=kind, valid_from=START,
            defaults={"valid_to": FUND_SHARE_CHANGED - datetime.timedelta(days=1),
                      "max_fund_share": Decimal("0.4000"), "quorum_share": Decimal("0.6667"),
                      "min_voting_members": 5, "deputy_chair_body": body, "source": DECKS},
        )
        CompositionRule.objects.get_or_create(
            commission_kind=kind, valid_from=FUND_SHARE_CHANGED,
            defaults={"max_fund_share": Decimal("0.2500"), "quorum_share": Decimal("0.6667"),
                      "min_voting_members": 5, "deputy_chair_body": body, "source": DECKS},
        )
    for code, ru, kk, en, weight in RATING_COMPONENTS:
        RatingComponent.objects.get_or_create(
            code=code, valid_from=START,
            defaults={"name_ru": ru, "name_kk": kk, "name_en": en, "weight": Decimal(weight),
                      "source": DECKS},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("purchasing", "0001_initial"),
        ("packages", "0002_seed_care_types"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
