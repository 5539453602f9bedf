"""An allocation run, its lines with explanations, audited adjustments, the protocol."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from osms.core.formatting import number

from .base import RegionRecord, TrackedRecord
from .campaigns import MONEY, Application, Campaign
from .commissions import Meeting
from .limits import LONG_TEXT
from .providers import Provider


class Allocation(TrackedRecord):
    """One run of the algorithm over a campaign's applications (reproducible by digest)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed, under review")
        APPROVED = "approved", _("Approved by protocol")
        SUPERSEDED = "superseded", _("Superseded by a later run")

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="allocations")
    version = models.PositiveSmallIntegerField(_("run"))
    algorithm = models.CharField(_("algorithm"), max_length=60)
    inputs_digest = models.CharField(
        _("inputs digest (SHA-256)"), max_length=64,
        help_text=_("The same inputs always give the same digest and the same result."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PROPOSED)
    distributable_volume = models.PositiveIntegerField(_("volume to distribute"))
    total_volume = models.PositiveIntegerField(_("allocated volume"), default=0)
    total_amount = models.DecimalField(_("allocated amount"), default=0, **MONEY)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("run by"),
                                   on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    region_lookup = "campaign__region"

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "version"],
                                               name="allocation_unique_version")]

    def __str__(self):
        return f"{self.campaign} · #{self.version}"


class AllocationLine(TrackedRecord):
    allocation = models.ForeignKey(Allocation, verbose_name=_("allocation"),
                                   on_delete=models.CASCADE, related_name="lines")
    application = models.ForeignKey(Application, verbose_name=_("application"),
                                    on_delete=models.PROTECT, related_name="allocation_lines")
    provider = models.ForeignKey(Provider, verbose_name=_("provider"), on_delete=models.PROTECT,
                                 related_name="allocation_lines")
    rank = models.PositiveIntegerField(_("rank"))
    score = models.DecimalField(_("rating score"), max_digits=6, decimal_places=2)
    requested_volume = models.PositiveIntegerField(_("requested"))
    ceiling = models.PositiveIntegerField(_("maximum it may get"))
    limit = models.CharField(_("binding limit"), max_length=20)
    proposed_volume = models.PositiveIntegerField(_("proposed by the algorithm"))
    proposed_amount = models.DecimalField(_("proposed amount"), **MONEY)
    volume = models.PositiveIntegerField(_("volume"))
    amount = models.DecimalField(_("amount"), **MONEY)
    facts = models.JSONField(_("explanation facts"), default=dict)

    region_lookup = "allocation__campaign__region"

    class Meta:
        verbose_name = _("allocation line")
        verbose_name_plural = _("allocation lines")
        ordering = ["allocation", "rank"]
        constraints = [models.UniqueConstraint(fields=["allocation", "application"],
                                               name="line_unique_application")]

    def __str__(self):
        return f"{self.provider.name}: {number(self.volume)}"

    @property
    def adjusted(self):
        return self.volume != self.proposed_volume


class AllocationAdjustment(RegionRecord):
    """A commission member's change of a line's volume: old, new, reason, who, when."""

    line = models.ForeignKey(AllocationLine, verbose_name=_("line"), on_delete=models.CASCADE,
                             related_name="adjustments")
    old_volume = models.PositiveIntegerField(_("old volume"))
    new_volume = models.PositiveIntegerField(_("new volume"))
    old_amount = models.DecimalField(_("old amount"), **MONEY)
    new_amount = models.DecimalField(_("new amount"), **MONEY)
    reason = models.TextField(_("reason"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"),
                             on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    region_lookup = "line__allocation__campaign__region"
    text_bounds = {"reason": LONG_TEXT}

    class Meta:
        verbose_name = _("volume adjustment")
        verbose_name_plural = _("volume adjustments")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=~models.Q(reason=""),
                                              name="adjustment_reason_required")]

    def __str__(self):
        return f"{self.line.provider.name}: {number(self.old_volume)} → {number(self.new_volume)}"


class Protocol(TrackedRecord):
    """The commission's decision on an allocation; exported to Excel and PDF."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    allocation = models.OneToOneField(Allocation, verbose_name=_("allocation"),
                                      on_delete=models.PROTECT, related_name="protocol")
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT,
                                 related_name="protocols")
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT,
                                null=True, blank=True, related_name="protocols")
    number = models.CharField(_("number"), max_length=40, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    decision = models.JSONField(_("vote tally"), default=dict, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"),
                                    on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    region_lookup = "campaign__region"

    class Meta:
        verbose_name = _("protocol")
        verbose_name_plural = _("protocols")
        ordering = ["-id"]
        permissions = [("approve_protocol", _("Can approve a commission protocol"))]

    def __str__(self):
        return f"№ {self.number}"
