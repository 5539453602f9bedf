"""The worklist: discrepancies found by a reconciliation run, their history, notices.

A discrepancy is keyed by (period, employer БИН, ИИН, kind, type): a re-run of
the period finds "the same" discrepancy again by that key and keeps its
workflow state (status, assignee, notes). Amounts are refreshed by every run.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from osms.core.models import Region
from osms.core.scoping import RegionScopedQuerySet
from payers.models import Organisation, Person

from .declarations import MONEY
from .runs import ReconciliationRun


class DiscrepancyType(models.TextChoices):
    DECLARED_NOT_PAID = "declared_not_paid", _("Declared, not paid")
    PAID_NOT_DECLARED = "paid_not_declared", _("Paid, not declared")
    UNDERPAID = "underpaid", _("Underpaid")
    OVERPAID = "overpaid", _("Overpaid")
    PAID_OTHER_PERIOD = "paid_other_period", _("Paid for another period")
    UNKNOWN_IIN = "unknown_iin", _("Unknown IIN")
    RATE_MISAPPLIED = "rate_misapplied", _("Rate or cap misapplied")
    CROSS_TAX = "cross_tax", _("Pension or income tax declared, no ОСМС")


class ContributionKind(models.TextChoices):
    EMPLOYER_DEDUCTION = "employer_deduction", _("Employer deduction (KNP 121)")
    EMPLOYEE_CONTRIBUTION = "employee_contribution", _("Employee contribution (KNP 122)")
    WHOLE_LINE = "", _("Whole declaration line")


class Discrepancy(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        NOTIFIED = "notified", _("Employer notified")
        RESOLVED = "resolved", _("Resolved")
        WRITTEN_OFF = "written_off", _("Written off")

    period = models.DateField(_("period"))
    employer_bin = models.CharField(_("employer BIN"), max_length=12)
    iin = models.CharField(_("IIN"), max_length=12)
    kind = models.CharField(
        _("kind"), max_length=30, choices=ContributionKind.choices, blank=True
    )
    type = models.CharField(_("type"), max_length=30, choices=DiscrepancyType.choices)
    employer = models.ForeignKey(
        Organisation,
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discrepancies",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discrepancies",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The employer's region (the person's when the payer is not registered)."),
    )
    income = models.DecimalField(_("declared income"), null=True, blank=True, **MONEY)
    declared_amount = models.DecimalField(_("declared"), null=True, blank=True, **MONEY)
    paid_amount = models.DecimalField(_("paid"), null=True, blank=True, **MONEY)
    expected_amount = models.DecimalField(
        _("expected by the rates"), null=True, blank=True, **MONEY
    )
    amount = models.DecimalField(
        _("discrepancy amount"),
        help_text=_("Owed or overpaid; for a misapplied rate: expected minus declared."),
        **MONEY,
    )
    other_period = models.DateField(_("period actually paid"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    first_run = models.ForeignKey(
        ReconciliationRun,
        verbose_name=_("first found by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_run = models.ForeignKey(
        ReconciliationRun,
        verbose_name=_("last confirmed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), null=True, blank=True)

    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "region"

    class Meta:
        verbose_name = _("discrepancy")
        verbose_name_plural = _("discrepancies")
        ordering = ["-period", "employer_bin", "iin", "kind", "type"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "employer_bin", "iin", "kind", "type"],
                name="discrepancy_natural_key",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "status", "period"], name="discrepancy_region_idx"),
            models.Index(fields=["employer", "period"], name="discrepancy_employer_idx"),
            models.Index(fields=["assignee", "status"], name="discrepancy_assignee_idx"),
        ]

    def __str__(self):
        return f"{self.get_type_display()}: {self.employer_bin} · {self.iin} · {self.period:%m.%Y}"


class DiscrepancyEvent(models.Model):
    """The history of a discrepancy: who changed what, from which value to which."""

    class Action(models.TextChoices):
        STATUS = "status", _("Status changed")
        ASSIGN = "assign", _("Assignee changed")
        NOTE = "note", _("Note added")
        NOTICE = "notice", _("Included in a notice")
        CLEARED = "cleared", _("No longer found by reconciliation")

    discrepancy = models.ForeignKey(
        Discrepancy,
        verbose_name=_("discrepancy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    natural_key = models.CharField(
        _("discrepancy key"), max_length=120, help_text=_("Kept when the discrepancy is cleared.")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    old_value = models.CharField(_("old value"), max_length=200, blank=True)
    new_value = models.CharField(_("new value"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    run = models.ForeignKey(
        ReconciliationRun,
        verbose_name=_("run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("discrepancy event")
        verbose_name_plural = _("discrepancy events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["discrepancy", "at"], name="discrepancy_event_idx")]

    def __str__(self):
        return f"{self.natural_key}: {self.get_action_display()}"


class EmployerNotice(models.Model):
    """A notice sent to an employer about its discrepancies of one period (lines kept as sent)."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    employer = models.ForeignKey(
        Organisation, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.DateField(_("period"))
    lines = models.JSONField(_("lines as sent"), default=list)
    total = models.DecimalField(_("total owed"), **MONEY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)

    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "region"

    class Meta:
        verbose_name = _("notice to an employer")
        verbose_name_plural = _("notices to employers")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["employer", "period"], name="notice_employer_idx")]

    def __str__(self):
        return f"{self.number} · {self.employer_bin_display}"

    @property
    def employer_bin_display(self):
        return self.employer.bin if self.employer_id else ""
