"""Purchase contracts: items by type of care, amendments, monthly acts, deductions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from osms.core.formatting import money, number
from osms.core.models import Region

from .allocations import Protocol
from .base import RegionRecord, TrackedRecord
from .campaigns import MONEY
from .limits import EVENT, LONG_TEXT, PLANNED, YEAR
from .providers import Provider


class Contract(TrackedRecord):
    """A provider's annual purchase contract in a region (one item per type of care)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")
        TERMINATED = "terminated", _("Terminated")

    number = models.CharField(_("number"), max_length=40, unique=True)
    provider = models.ForeignKey(Provider, verbose_name=_("provider"), on_delete=models.PROTECT,
                                 related_name="contracts")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="purchase_contracts")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.DRAFT)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    region_lookup = "region"
    date_bounds = {"signed_on": EVENT}
    year_bounds = {"year": YEAR}

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-year", "number"]
        constraints = [models.UniqueConstraint(fields=["provider", "region", "year"],
                                               name="contract_one_per_provider_year")]

    def __str__(self):
        return f"№ {self.number} · {self.provider.name}"


class ContractItem(TrackedRecord):
    """Volume and sum for one type of care, from an approved protocol."""

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.CASCADE,
                                 related_name="items")
    care_type = models.ForeignKey("packages.CareType", verbose_name=_("type of care"),
                                  on_delete=models.PROTECT, related_name="+")
    protocol = models.ForeignKey(Protocol, verbose_name=_("protocol"), on_delete=models.PROTECT,
                                 related_name="contract_items")
    volume = models.PositiveIntegerField(_("volume"))
    unit_price = models.DecimalField(_("tariff per unit"), **MONEY)
    amount = models.DecimalField(_("sum"), **MONEY)

    region_lookup = "contract__region"

    class Meta:
        verbose_name = _("contract item")
        verbose_name_plural = _("contract items")
        ordering = ["contract", "care_type"]
        constraints = [models.UniqueConstraint(fields=["contract", "care_type"],
                                               name="contract_item_unique_type")]

    def __str__(self):
        return f"{self.care_type}: {number(self.volume)} / {money(self.amount)}"


class ContractAmendment(RegionRecord):
    """A signed change of an item's volume and sum (additional agreement)."""

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.CASCADE,
                                 related_name="amendments")
    item = models.ForeignKey(ContractItem, verbose_name=_("item"), on_delete=models.CASCADE,
                             related_name="amendments")
    number = models.PositiveSmallIntegerField(_("amendment number"))
    signed_on = models.DateField(_("signed on"))
    old_volume = models.PositiveIntegerField(_("old volume"))
    new_volume = models.PositiveIntegerField(_("new volume"))
    old_amount = models.DecimalField(_("old sum"), **MONEY)
    new_amount = models.DecimalField(_("new sum"), **MONEY)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"),
                                   on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    region_lookup = "contract__region"
    date_bounds = {"signed_on": EVENT}
    text_bounds = {"reason": LONG_TEXT}

    class Meta:
        verbose_name = _("contract amendment")
        verbose_name_plural = _("contract amendments")
        ordering = ["contract", "number"]
        constraints = [models.UniqueConstraint(fields=["contract", "number"],
                                               name="amendment_unique_number")]

    def __str__(self):
        return f"{self.contract.number} / {self.number}"


class ExecutionAct(TrackedRecord):
    """A month's delivered volume for an item and what the Fund pays for it.

    accepted = min(claimed, plan to date − accepted before): the rest is
    over-execution, withheld; due = accepted − quality deductions.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved: payment due")
        PAID = "paid", _("Paid")

    item = models.ForeignKey(ContractItem, verbose_name=_("contract item"),
                             on_delete=models.PROTECT, related_name="acts")
    period = models.DateField(_("month"), help_text=_("First day of the month."))
    volume_delivered = models.PositiveIntegerField(_("volume delivered"))
    amount_claimed = models.DecimalField(_("amount claimed"), **MONEY)
    plan_to_date = models.DecimalField(_("plan to date"), default=0, **MONEY)
    amount_accepted = models.DecimalField(_("accepted within plan"), default=0, **MONEY)
    over_execution_withheld = models.DecimalField(_("over-execution withheld"), default=0,
                                                  **MONEY)
    quality_deductions = models.DecimalField(_("quality deductions"), default=0, **MONEY)
    amount_due = models.DecimalField(_("payment due"), default=0, **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    region_lookup = "item__contract__region"
    # The month rules (first day, the contract's year, in order) are services.act_check's.
    date_bounds = {"period": PLANNED, "paid_on": EVENT}

    class Meta:
        verbose_name = _("execution act")
        verbose_name_plural = _("execution acts")
        ordering = ["item", "period"]
        constraints = [
            models.UniqueConstraint(fields=["item", "period"], name="act_one_per_month"),
            models.CheckConstraint(condition=models.Q(period__day=1), name="act_period_first_day"),
        ]

    def __str__(self):
        return f"{self.item} · {self.period:%m.%Y}"


class QualityDeduction(RegionRecord):
    """A deduction for a failed quality indicator or a defect found by expertise."""

    act = models.ForeignKey(ExecutionAct, verbose_name=_("act"), on_delete=models.CASCADE,
                            related_name="deductions")
    indicator = models.CharField(_("quality indicator / defect"), max_length=200)
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"),
                                   on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    region_lookup = "act__item__contract__region"
    text_bounds = {"reason": LONG_TEXT}

    class Meta:
        verbose_name = _("quality deduction")
        verbose_name_plural = _("quality deductions")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0),
                                              name="deduction_positive")]

    def __str__(self):
        return f"{self.indicator}: {money(self.amount)}"
