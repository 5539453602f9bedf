"""Load the rate history of docs/domain.md §3 (payers/seed_data/rates_history.py cites each row)."""

from decimal import Decimal

from django.db import migrations

from payers.seed_data import rates_history as H


def load(apps, schema_editor):
    ReferenceValue = apps.get_model("payers", "ReferenceValue")
    ContributionRate = apps.get_model("payers", "ContributionRate")
    KnpCode = apps.get_model("payers", "KnpCode")
    PenaltyRule = apps.get_model("payers", "PenaltyRule")
    references = []
    for kind, rows in (("mzp", H.MZP), ("mrp", H.MRP), ("average_wage", H.AVERAGE_WAGE),
                       ("nb_base_rate", H.NB_BASE_RATE)):
        for valid_from, value, confirmed, source in rows:
            references.append(ReferenceValue(kind=kind, valid_from=valid_from,
                                             value=Decimal(value), confirmed=confirmed,
                                             source=source))
    ReferenceValue.objects.bulk_create(references)
    ContributionRate.objects.bulk_create(
        ContributionRate(
            payer_type=payer_type, kind=kind, valid_from=valid_from, rate=Decimal(rate),
            base=base, base_multiple=Decimal(multiple), base_lag_years=lag,
            min_base_mzp=None if min_mzp is None else Decimal(min_mzp),
            max_base_mzp=None if max_mzp is None else Decimal(max_mzp),
            confirmed=confirmed, source=source,
        )
        for (payer_type, kind, valid_from, rate, base, multiple, lag, min_mzp, max_mzp,
             confirmed, source) in H.CONTRIBUTION_RATES
    )
    KnpCode.objects.bulk_create(
        KnpCode(knp=knp, kind=kind, name=name, valid_from=valid_from, max_months_ahead=ahead,
                confirmed=confirmed, source=source)
        for knp, kind, name, valid_from, ahead, confirmed, source in H.KNP_CODES
    )
    PenaltyRule.objects.bulk_create(
        PenaltyRule(valid_from=valid_from, multiplier=Decimal(multiplier), day_count=day_count,
                    due_day=due_day, confirmed=confirmed, source=source)
        for valid_from, multiplier, day_count, due_day, confirmed, source in H.PENALTY_RULES
    )


def unload(apps, schema_editor):
    for name in ("ReferenceValue", "ContributionRate", "KnpCode", "PenaltyRule"):
        apps.get_model("payers", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("payers", "0003_payment_immutable_trigger")]

    operations = [migrations.RunPython(load, unload)]
