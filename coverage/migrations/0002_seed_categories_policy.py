"""Load the benefit categories, the status policy and the residency rules (docs/domain.md §4–5)."""

from django.db import migrations


def load(apps, schema_editor):
    from coverage.policy_data import CATEGORIES, POLICIES, RESIDENCY, RESIDENCY_FROM

    Category = apps.get_model("coverage", "BenefitCategory")
    Term = apps.get_model("coverage", "CategoryTerm")
    Policy = apps.get_model("coverage", "StatusPolicy")
    Residency = apps.get_model("coverage", "ResidencyRule")
    for position, (code, ru, kk, en, age, terms) in enumerate(CATEGORIES, start=1):
        category, _ = Category.objects.update_or_create(
            code=code,
            defaults={"name_ru": ru, "name_kk": kk, "name_en": en, "age_limit_years": age,
                      "position": position},
        )
        for valid_from, valid_to, payer, partner, documents, basis in terms:
            Term.objects.update_or_create(
                category=category, valid_from=valid_from,
                defaults={"valid_to": valid_to, "payer": payer, "partner": partner,
                          "documents": documents, "legal_basis": basis},
            )
    for (valid_from, valid_to, window, grace, lag, ret_after, ret, prepay, temporary,
         basis) in POLICIES:
        Policy.objects.update_or_create(
            valid_from=valid_from,
            defaults={"valid_to": valid_to, "debt_window_months": window, "grace_months": grace,
                      "due_lag_months": lag, "retention_after_months": ret_after,
                      "retention_months": ret, "prepayment_max_months": prepay,
                      "temporary_status_months": temporary, "legal_basis": basis},
        )
    for citizenship, categories_apply, payments_apply, note in RESIDENCY:
        Residency.objects.update_or_create(
            citizenship=citizenship, valid_from=RESIDENCY_FROM,
            defaults={"categories_apply": categories_apply, "payments_apply": payments_apply,
                      "note": note},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("coverage", "0001_initial"),
        ("payers", "0002_ledger_rates_refunds"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
