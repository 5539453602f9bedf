"""Tariffs the Fund pays providers with (docs/domain.md §7), each effective-dated.

- ``TariffPhcNorm``: the per-capita norm for primary care, per attached person per month;
- ``TariffPhcCoefficient``: its correction coefficients (population density by region,
  age/sex groups);
- ``TariffCaseRate``: КЗГ (clinical cost group) case rates by severity level;
- ``TariffServicePrice``: per-service prices of consultative-diagnostic care;
- ``TariffBedDay``: bed-day rates by profile (e.g. children's rehabilitation).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from osms.core.dated import EffectiveDated, dates_ordered
from osms.core.formatting import day, money, number
from osms.core.models import Region

from .catalogue import CareType

MONEY = {"max_digits": 14, "decimal_places": 2}
COEFFICIENT = {"max_digits": 8, "decimal_places": 4}


class TariffPhcNorm(EffectiveDated):
    """Per-capita norm for primary care, ₸ per attached person per month."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("Empty: the national norm."),
    )
    amount = models.DecimalField(_("amount per person per month"), **MONEY)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    effective_key = ("region",)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_from", "region"]
        verbose_name = _("PHC per-capita norm")
        verbose_name_plural = _("PHC per-capita norms")
        constraints = [
            dates_ordered("tariffphcnorm_dates_ordered"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="tariffphcnorm_amount_pos"),
        ]

    def __str__(self):
        return f"{money(self.amount)} ({day(self.valid_from)})"


class TariffPhcCoefficient(EffectiveDated):
    """A correction coefficient of the PHC norm: density by region or an age/sex group."""

    class Kind(models.TextChoices):
        DENSITY = "density", _("Population density (by region)")
        AGE_SEX = "age_sex", _("Age and sex group")

    class Sex(models.TextChoices):
        ANY = "", _("both sexes")
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    age_from = models.PositiveSmallIntegerField(_("age from (years)"), null=True, blank=True)
    age_to = models.PositiveSmallIntegerField(
        _("age to (years, inclusive)"), null=True, blank=True
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True, default="")
    value = models.DecimalField(_("coefficient"), **COEFFICIENT)

    effective_key = ("kind", "region", "age_from", "age_to", "sex")
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "region", "age_from", "sex", "-valid_from"]
        verbose_name = _("PHC correction coefficient")
        verbose_name_plural = _("PHC correction coefficients")
        constraints = [
            dates_ordered("tariffphccoef_dates_ordered"),
            models.CheckConstraint(condition=models.Q(value__gt=0), name="tariffphccoef_value_pos"),
            models.CheckConstraint(
                condition=models.Q(kind="density", region__isnull=False)
                | models.Q(kind="age_sex", age_from__isnull=False, age_to__gte=models.F("age_from")),
                name="tariffphccoef_kind_fields",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {number(self.value)}"


class TariffCaseRate(EffectiveDated):
    """A КЗГ case rate: one treated case of the group at a severity level."""

    code = models.CharField(_("КЗГ code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    care_type = models.ForeignKey(
        CareType, verbose_name=_("type of care"), on_delete=models.PROTECT, related_name="+"
    )
    severity = models.PositiveSmallIntegerField(_("severity level"), default=1)
    cost_weight = models.DecimalField(_("cost weight"), null=True, blank=True, **COEFFICIENT)
    amount = models.DecimalField(_("rate per case"), **MONEY)

    effective_key = ("code", "care_type", "severity")
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "severity", "-valid_from"]
        verbose_name = _("КЗГ case rate")
        verbose_name_plural = _("КЗГ case rates")
        constraints = [
            dates_ordered("tariffcaserate_dates_ordered"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="tariffcaserate_amount_pos"),
            models.CheckConstraint(condition=models.Q(severity__gte=1), name="tariffcaserate_severity"),
        ]
        indexes = [models.Index(fields=["code", "severity", "valid_from"], name="caserate_lookup_idx")]

    def __str__(self):
        return f"{self.code}/{self.severity}: {money(self.amount)}"


class TariffServicePrice(EffectiveDated):
    """The price of one consultative-diagnostic service (tariff list code)."""

    code = models.CharField(_("service code"), max_length=30)
    name = models.CharField(_("name"), max_length=300)
    care_type = models.ForeignKey(
        CareType, verbose_name=_("type of care"), on_delete=models.PROTECT, related_name="+"
    )
    price = models.DecimalField(_("price"), **MONEY)

    effective_key = ("code",)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "-valid_from"]
        verbose_name = _("service price")
        verbose_name_plural = _("service prices")
        constraints = [
            dates_ordered("tariffserviceprice_dates_ordered"),
            models.CheckConstraint(condition=models.Q(price__gt=0), name="tariffserviceprice_pos"),
        ]
        indexes = [models.Index(fields=["code", "valid_from"], name="serviceprice_lookup_idx")]

    def __str__(self):
        return f"{self.code}: {money(self.price)}"


class TariffBedDay(EffectiveDated):
    """A bed-day rate for a bed profile, e.g. children's rehabilitation."""

    profile = models.SlugField(_("bed profile code"), max_length=60)
    name = models.CharField(_("name"), max_length=300)
    care_type = models.ForeignKey(
        CareType, verbose_name=_("type of care"), on_delete=models.PROTECT, related_name="+"
    )
    rate = models.DecimalField(_("rate per bed-day"), **MONEY)

    effective_key = ("profile",)
    history = HistoricalRecords()

    class Meta:
        ordering = ["profile", "-valid_from"]
        verbose_name = _("bed-day rate")
        verbose_name_plural = _("bed-day rates")
        constraints = [
            dates_ordered("tariffbedday_dates_ordered"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="tariffbedday_rate_pos"),
        ]

    def __str__(self):
        return f"{self.profile}: {money(self.rate)}"
