"""Provider registry actions: create, inclusion check, points rating."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from osms.core.services import require_scope, save_audited

from ..models import (
    InclusionCheck,
    Provider,
    ProviderRating,
    RatingComponent,
    RatingScore,
)
from .common import field_error

CRITERIA = ("licence", "equipment", "staffing")
# What an operator reads for each criterion (the code stays in the stored check).
CRITERIA_LABELS = {"licence": gettext_lazy("licence for the type of care"),
                   "equipment": gettext_lazy("required equipment"),
                   "staffing": gettext_lazy("medical staff")}


@transaction.atomic
def provider_create(*, bin, name, ownership, region, kato, locality, organisation=None,
                    staff_count=0, attached_population=0, has_required_equipment=False,
                    accredited_until=None, acting_user=None):
    provider = Provider(
        bin=bin, name=name, ownership=ownership, region=region, kato=kato, locality=locality,
        organisation=organisation, staff_count=staff_count,
        attached_population=attached_population, has_required_equipment=has_required_equipment,
        accredited_until=accredited_until,
    )
    return provider_save(provider=provider, acting_user=acting_user)


@transaction.atomic
def provider_save(*, provider, acting_user=None, reason=""):
    """Save a new or edited registry entry (validated, audited, in the user's region)."""
    action = "change" if provider.pk else "add"
    require_scope(provider, acting_user, action)
    return save_audited(provider, acting_user=acting_user, action=action, reason=reason)


def inclusion_criteria(provider, on):
    """Each criterion of the database of health subjects: (code, passed, detail)."""
    licences = list(provider.licences.valid_on(on).select_related("care_type"))
    return [
        {"code": "licence", "passed": bool(licences),
         "detail": ", ".join(f"{lic.number} ({lic.care_type.name})" for lic in licences)
         or _("no licence valid on %(date)s") % {"date": on.isoformat()}},
        {"code": "equipment", "passed": provider.has_required_equipment,
         "detail": _("meets the equipment standard") if provider.has_required_equipment
         else _("does not meet the equipment standard")},
        {"code": "staffing", "passed": provider.staff_count > 0,
         "detail": _("%(n)d medical staff") % {"n": provider.staff_count}},
    ]


@transaction.atomic
def provider_check_inclusion(*, provider, on, acting_user=None):
    """Check the inclusion criteria, record the check, include or refuse with the reason."""
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    require_scope(provider, acting_user, "change")
    criteria = inclusion_criteria(provider, on)
    failed = [c for c in criteria if not c["passed"]]
    reason = "; ".join(f"{c['code']}: {c['detail']}" for c in failed)
    check = InclusionCheck.objects.create(
        provider=provider, checked_on=on, included=not failed, criteria=criteria,
        reason=reason, checked_by=acting_user,
    )
    provider.inclusion = Provider.Inclusion.REFUSED if failed else Provider.Inclusion.INCLUDED
    provider.inclusion_checked_on = on
    provider.refusal_reason = reason
    save_audited(provider, acting_user=acting_user, action="change",
                 reason=_("Inclusion check of %(date)s") % {"date": on.isoformat()})
    return check


def rating_score(values, components):
    """Σ value × weight / Σ weight, rounded to 0.01 (pure)."""
    total_weight = sum((c.weight for c in components), Decimal("0"))
    if total_weight <= 0:
        raise field_error("components", _("The rating components have no weight."))
    points = sum((values[c.code] * c.weight for c in components), Decimal("0"))
    return (points / total_weight).quantize(Decimal("0.01"))


@transaction.atomic
def provider_rate(*, provider, year, values, on, acting_user=None):
    """Record a provider's rating for ``year`` from component values (0–100) by code."""
    require_scope(provider, acting_user, "change")
    components = list(RatingComponent.objects.valid_on(on).order_by("code"))
    if not components:
        raise field_error("values", _("No rating components are in force on %(date)s.")
                          % {"date": on.isoformat()})
    missing = [c.code for c in components if c.code not in values]
    if missing:
        raise field_error("values", _("Missing rating components: %(codes)s.")
                          % {"codes": ", ".join(missing)})
    values = {code: Decimal(str(value)) for code, value in values.items()}
    for code, value in values.items():
        if not Decimal("0") <= value <= Decimal("100"):
            raise field_error("values", _("Component %(code)s: value %(value)s is not in 0–100.")
                              % {"code": code, "value": value})
    rating, _created = ProviderRating.objects.select_for_update().get_or_create(
        provider=provider, year=year, defaults={"computed_on": on}
    )
    rating.score = rating_score(values, components)
    rating.computed_on = on
    save_audited(rating, acting_user=acting_user, action="change")
    rating.components.all().delete()
    RatingScore.objects.bulk_create(
        RatingScore(rating=rating, component=c, value=values[c.code], weight=c.weight,
                    points=(values[c.code] * c.weight).quantize(Decimal("0.001")))
        for c in components
    )
    return rating
