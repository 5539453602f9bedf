"""Purchase campaigns (year × region × type of care) and providers' applications."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from osms.core.formatting import number
from osms.core.models import Region

from .base import TrackedRecord
from .limits import EVENT, LONG_TEXT, PLANNED, YEAR
from .providers import Provider

MONEY = {"max_digits": 14, "decimal_places": 2}


class Campaign(TrackedRecord):
    """A purchase of one type of care for one region and year: volume, price, budget."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ANNOUNCED = "announced", _("Announced: accepting applications")
        CLOSED = "closed", _("Applications closed")
        ALLOCATED = "allocated", _("Allocation proposed")
        APPROVED = "approved", _("Protocol approved")
        CONTRACTED = "contracted", _("Contracts concluded")

    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="purchase_campaigns")
    care_type = models.ForeignKey("packages.CareType", verbose_name=_("type of care"),
                                  on_delete=models.PROTECT, related_name="purchase_campaigns")
    title = models.CharField(_("title"), max_length=300, blank=True)
    class Unit(models.TextChoices):
        CASES = "cases", _("cases")
        VISITS = "visits", _("visits")
        ATTACHED = "attached persons", _("attached persons")
        BED_DAYS = "bed-days", _("bed-days")
        SERVICES = "services", _("services")

    unit = models.CharField(_("unit of volume"), max_length=50, default=Unit.CASES,
                            choices=Unit.choices)

    @property
    def unit_label(self):
        return self.get_unit_display()
    planned_volume = models.PositiveIntegerField(_("planned volume"))
    unit_price = models.DecimalField(_("tariff per unit"), **MONEY)
    tariff_source = models.CharField(_("tariff source"), max_length=300, blank=True)
    budget = models.DecimalField(_("budget"), **MONEY)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.DRAFT)
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    applications_deadline = models.DateField(_("applications deadline"))
    review_deadline = models.DateField(_("commission review deadline"), null=True, blank=True)
    commission = models.ForeignKey("purchasing.Commission", verbose_name=_("commission"),
                                   on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="campaigns")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    region_lookup = "region"
    date_bounds = {"announced_on": EVENT, "applications_deadline": PLANNED,
                   "review_deadline": PLANNED}
    year_bounds = {"year": YEAR}

    class Meta:
        verbose_name = _("purchase campaign")
        verbose_name_plural = _("purchase campaigns")
        ordering = ["-year", "region", "care_type"]
        constraints = [
            models.UniqueConstraint(fields=["year", "region", "care_type"],
                                    name="campaign_unique_year_region_type"),
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="campaign_budget_gte0"),
            models.CheckConstraint(condition=models.Q(unit_price__gt=0),
                                   name="campaign_price_gt0"),
        ]

    def __str__(self):
        return self.title or f"{self.care_type} · {self.region} · {self.year}"

    def clean(self):
        super().clean()
        if (self.review_deadline and self.applications_deadline
                and self.review_deadline < self.applications_deadline):
            raise ValidationError({"review_deadline": _(
                "The review deadline is before the applications deadline.")})
        if self.commission_id and self.commission.region_id != self.region_id:
            raise ValidationError({"commission": _("The commission belongs to another region.")})
        if self.announced_on and self.applications_deadline < self.announced_on:
            raise ValidationError({"applications_deadline": _(
                "The deadline is before the announcement.")})


class Application(TrackedRecord):
    """A provider's application for volume in a campaign, validated on submission."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="applications")
    provider = models.ForeignKey(Provider, verbose_name=_("provider"), on_delete=models.PROTECT,
                                 related_name="applications")
    requested_volume = models.PositiveIntegerField(_("requested volume"))
    coexecution_volume = models.PositiveIntegerField(
        _("volume by co-executors"), default=0,
        help_text=_("Part of the volume the provider will pass to co-executors."),
    )
    coexecutors = models.TextField(_("co-executors"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.ACCEPTED)
    problems = models.JSONField(_("validation problems"), default=list, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"),
                                     on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")

    region_lookup = "campaign__region"
    text_bounds = {"coexecutors": LONG_TEXT}

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["campaign", "provider__name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "provider"],
                                               name="application_unique_provider")]

    def __str__(self):
        return f"{self.provider.name}: {number(self.requested_volume)}"
