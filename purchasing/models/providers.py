"""Health subjects (providers): licences, capacity, inclusion in the database, rating."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from osms.core.dated import RegionScopedDatedQuerySet
from osms.core.formatting import day, number
from osms.core.models import Region
from payers.validators import validate_bin

from .base import RegionRecord, TrackedRecord
from .limits import EVENT, HAPPENED, VALID_UNTIL, YEAR
from .rules import Locality, RatingComponent

KATO_VALIDATOR = RegexValidator(r"^\d{9}$", _("A KATO code has 9 digits."))


class Provider(TrackedRecord):
    """A health subject (субъект здравоохранения) that may sell care to the Fund."""

    class Ownership(models.TextChoices):
        STATE = "state", _("State")
        PRIVATE = "private", _("Private")

    class Inclusion(models.TextChoices):
        PENDING = "pending", _("Not yet checked")
        INCLUDED = "included", _("Included in the database")
        REFUSED = "refused", _("Refused")

    organisation = models.OneToOneField(
        "payers.Organisation", verbose_name=_("organisation in the registry"),
        on_delete=models.PROTECT, null=True, blank=True, related_name="provider",
        limit_choices_to={"kind": "provider"},
    )
    bin = models.CharField(_("BIN"), max_length=12, unique=True, validators=[validate_bin])
    name = models.CharField(_("name"), max_length=300)
    ownership = models.CharField(_("ownership"), max_length=10, choices=Ownership.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="providers"
    )
    kato = models.CharField(_("KATO code of the address"), max_length=9,
                            validators=[KATO_VALIDATOR])
    locality = models.CharField(_("locality"), max_length=10, choices=Locality.choices)
    staff_count = models.PositiveIntegerField(_("medical staff"), default=0)
    attached_population = models.PositiveIntegerField(
        _("attached population (primary care)"), default=0
    )
    has_required_equipment = models.BooleanField(_("meets the equipment standard"), default=False)
    accredited_until = models.DateField(_("accredited until"), null=True, blank=True)
    inclusion = models.CharField(_("database of health subjects"), max_length=10,
                                 choices=Inclusion.choices, default=Inclusion.PENDING)
    inclusion_checked_on = models.DateField(_("inclusion checked on"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    region_lookup = "region"
    date_bounds = {"accredited_until": VALID_UNTIL}

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]
        indexes = [models.Index(fields=["region", "inclusion"], name="provider_region_incl_idx")]

    def __str__(self):
        return f"{self.name} ({self.bin})"

    def clean(self):
        super().clean()
        if self.organisation_id:
            org = self.organisation
            if org.kind != "provider":
                raise ValidationError({"organisation": _("The organisation is not a provider.")})
            if self.bin and self.bin != org.bin:
                raise ValidationError({"bin": _("The BIN differs from the organisation's BIN.")})
        if self.kato and self.region_id and self.kato[:2] != self.region.kato[:2]:
            raise ValidationError({"kato": _("The KATO code is not in the provider's region.")})


class ProviderLicence(TrackedRecord):
    """A licence for a type of care; valid_until empty means indefinite."""

    provider = models.ForeignKey(Provider, verbose_name=_("provider"), on_delete=models.CASCADE,
                                 related_name="licences")
    care_type = models.ForeignKey("packages.CareType", verbose_name=_("type of care"),
                                  on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("licence number"), max_length=50)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = RegionScopedDatedQuerySet.as_manager()
    region_lookup = "provider__region"
    date_bounds = {"issued_on": HAPPENED, "valid_until": VALID_UNTIL}
    # Interval rows of osms.core.dated under their own names: in force from issue to expiry.
    valid_from_field = "issued_on"
    valid_to_field = "valid_until"

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["provider", "care_type"]

    def __str__(self):
        return f"{self.number}: {self.care_type}"

    def clean(self):
        super().clean()
        if self.issued_on and self.valid_until and self.valid_until < self.issued_on:
            raise ValidationError({"valid_until": _("The licence ends before it was issued.")})


class ProviderCapacity(TrackedRecord):
    """What a provider can deliver of a type of care in a year (approved capacity)."""

    provider = models.ForeignKey(Provider, verbose_name=_("provider"), on_delete=models.CASCADE,
                                 related_name="capacities")
    care_type = models.ForeignKey("packages.CareType", verbose_name=_("type of care"),
                                  on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    annual_volume = models.PositiveIntegerField(_("annual volume it can deliver"))

    region_lookup = "provider__region"
    year_bounds = {"year": YEAR}

    class Meta:
        verbose_name = _("capacity")
        verbose_name_plural = _("capacities")
        constraints = [models.UniqueConstraint(fields=["provider", "care_type", "year"],
                                               name="capacity_unique_per_year")]

    def __str__(self):
        return f"{self.care_type} {self.year}: {number(self.annual_volume)}"


class ProviderBeds(TrackedRecord):
    """Beds by profile, as approved by the local executive body."""

    provider = models.ForeignKey(Provider, verbose_name=_("provider"), on_delete=models.CASCADE,
                                 related_name="beds")
    profile = models.CharField(_("bed profile"), max_length=100)
    beds = models.PositiveIntegerField(_("beds"))
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    region_lookup = "provider__region"
    date_bounds = {"approved_on": HAPPENED}

    class Meta:
        verbose_name = _("beds by profile")
        verbose_name_plural = _("beds by profile")
        constraints = [models.UniqueConstraint(fields=["provider", "profile"],
                                               name="beds_unique_profile")]

    def __str__(self):
        return f"{self.profile}: {self.beds}"


class InclusionCheck(RegionRecord):
    """One check of the inclusion criteria, with each criterion's result."""

    provider = models.ForeignKey(Provider, verbose_name=_("provider"), on_delete=models.CASCADE,
                                 related_name="inclusion_checks")
    checked_on = models.DateField(_("checked on"))
    included = models.BooleanField(_("included"))
    criteria = models.JSONField(_("criteria"), default=list)
    reason = models.TextField(_("reason for refusal"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"),
                                   on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    region_lookup = "provider__region"

    class Meta:
        verbose_name = _("inclusion check")
        verbose_name_plural = _("inclusion checks")
        ordering = ["-checked_on", "-id"]

    def __str__(self):
        return f"{self.provider} {day(self.checked_on)}: {'+' if self.included else '−'}"


class ProviderRating(TrackedRecord):
    """The points rating of a provider for a year; score = Σ value × weight / Σ weight."""

    provider = models.ForeignKey(Provider, verbose_name=_("provider"), on_delete=models.CASCADE,
                                 related_name="ratings")
    year = models.PositiveSmallIntegerField(_("year"))
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, default=Decimal("0"))
    computed_on = models.DateField(_("computed on"))

    region_lookup = "provider__region"
    date_bounds = {"computed_on": EVENT}
    year_bounds = {"year": YEAR}

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-year", "-score"]
        constraints = [models.UniqueConstraint(fields=["provider", "year"],
                                               name="rating_unique_per_year")]

    def __str__(self):
        return f"{self.provider.name} {self.year}: {number(self.score)}"


class RatingScore(RegionRecord):
    """One component's value (0–100) in a rating, with the weight used."""

    rating = models.ForeignKey(ProviderRating, verbose_name=_("rating"),
                               on_delete=models.CASCADE, related_name="components")
    component = models.ForeignKey(RatingComponent, verbose_name=_("component"),
                                  on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(
        _("value (0–100)"), max_digits=6, decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    weight = models.DecimalField(_("weight used"), max_digits=6, decimal_places=3)
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=3)

    region_lookup = "rating__provider__region"

    class Meta:
        verbose_name = _("rating component value")
        verbose_name_plural = _("rating component values")
        constraints = [models.UniqueConstraint(fields=["rating", "component"],
                                               name="rating_score_unique")]

    def __str__(self):
        return f"{self.component}: {number(self.value)}"
