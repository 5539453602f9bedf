"""Effective-dated purchasing rules: co-execution caps, commission composition, rating weights.

Each rule is a row with ``valid_from``/``valid_to`` that an operator can correct
in the admin; code looks rules up by date through ``valid_on`` / ``latest_on``
(``osms.core.dated``) and never compares years. Two rows of one key (``effective_key``)
must not overlap.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from osms.core.dated import EffectiveDated
from osms.core.formatting import day, number, rate

FUND = _("Fund")


class DeputyChairBody(models.TextChoices):
    """Where a commission's deputy chair comes from (the codes of commissions.MemberBody)."""

    HEALTH_DEPARTMENT = "health_department", _("Regional health department")
    MINISTRY_OF_HEALTH = "ministry_of_health", _("Ministry of Health")

SHARE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("0.9999"))]


class PurchasingRule(EffectiveDated):
    """An effective-dated rule with the legal act it comes from."""

    # As before the rules moved onto osms.core.dated: the same column, no help text.
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.CharField(_("legal source"), max_length=300, blank=True)

    class Meta:
        abstract = True


class Locality(models.TextChoices):
    """Where a provider works: decides the primary-care co-execution cap."""

    CITY = "city", _("City")
    DISTRICT = "district", _("District (rural)")


class CoExecutionCap(PurchasingRule):
    """At most this share of a provider's volume may be passed to co-executors."""

    care_type = models.ForeignKey(
        "packages.CareType", verbose_name=_("type of care"), on_delete=models.PROTECT,
        related_name="coexecution_caps",
    )
    locality = models.CharField(_("locality"), max_length=10, choices=Locality.choices)
    max_share = models.DecimalField(
        _("maximum co-executed share"), max_digits=5, decimal_places=4,
        validators=SHARE_VALIDATORS, help_text=_("0.60 means at most 60 percent of the volume."),
    )

    effective_key = ("care_type", "locality")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("co-execution cap")
        verbose_name_plural = _("co-execution caps")
        ordering = ["care_type", "locality", "-valid_from"]

    def __str__(self):
        return f"{self.care_type} / {self.get_locality_display()}: {rate(self.max_share)}"


class CommissionKind(models.TextChoices):
    REGIONAL = "regional", _("Regional (Fund branch)")
    REPUBLICAN = "republican", _("Republican")


class CompositionRule(PurchasingRule):
    """What a lawful commission looks like at a date (Fund share 40 % → 25 %, quorum)."""

    commission_kind = models.CharField(
        _("commission kind"), max_length=12, choices=CommissionKind.choices
    )
    max_fund_share = models.DecimalField(
        _("maximum share of Fund staff"), max_digits=5, decimal_places=4,
        validators=SHARE_VALIDATORS,
    )
    quorum_share = models.DecimalField(
        _("quorum (share of voting members present)"), max_digits=5, decimal_places=4,
        validators=SHARE_VALIDATORS,
    )
    min_voting_members = models.PositiveSmallIntegerField(_("minimum voting members"), default=5)
    deputy_chair_body = models.CharField(
        _("body the deputy chair must come from"), max_length=30, choices=DeputyChairBody.choices,
        help_text=_("Regional: the regional health department; republican: the Ministry of Health."),
    )

    effective_key = ("commission_kind",)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commission composition rule")
        verbose_name_plural = _("commission composition rules")
        ordering = ["commission_kind", "-valid_from"]

    def __str__(self):
        return (f"{self.get_commission_kind_display()} {day(self.valid_from)}: "
                f"{FUND} ≤ {rate(self.max_fund_share)}")


class RatingComponent(PurchasingRule):
    """One component of the providers' points rating and its weight."""

    code = models.SlugField(_("code"), max_length=40)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=3, validators=[MinValueValidator(Decimal("0"))]
    )

    effective_key = ("code",)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rating component")
        verbose_name_plural = _("rating components")
        ordering = ["code", "-valid_from"]

    def __str__(self):
        return f"{self.name} ×{number(self.weight)}"

    @property
    def name(self):
        lang = (get_language() or "ru")[:2]
        return getattr(self, f"name_{lang}", None) or self.name_ru
