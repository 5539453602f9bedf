"""The insured-status policy of law art. 5 as effective-dated rows (docs/domain.md §5)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from osms.core.dated import EffectiveDatedQuerySet
from osms.core.formatting import day
from payers.models import Citizenship


class StatusPolicy(models.Model):
    """The numbers of the status rules in force between two dates."""

    valid_from = models.DateField(_("valid from"), unique=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    debt_window_months = models.PositiveSmallIntegerField(
        _("no-debt window, months"), default=12,
        help_text=_("Unpaid months between payments within this many months back count as debt."),
    )
    grace_months = models.PositiveSmallIntegerField(
        _("grace, months"), default=3,
        help_text=_("Care stays available this many months after the last paid month."),
    )
    due_lag_months = models.PositiveSmallIntegerField(
        _("payment due lag, months"), default=1,
        help_text=_("A month is due by the 25th of the next one: while only this many months "
                    "are missing, the basis is still 'payments', not 'grace'."),
    )
    retention_after_months = models.PositiveSmallIntegerField(
        _("retention after continuous months"), null=True, blank=True,
        help_text=_("Continuous paid months that earn the retention (60 from 2026); "
                    "empty: no retention."),
    )
    retention_months = models.PositiveSmallIntegerField(
        _("retention, months"), default=0,
        help_text=_("Months the status is kept after payments stop for those who earned it."),
    )
    prepayment_max_months = models.PositiveSmallIntegerField(
        _("prepayment, at most months ahead"), default=12,
    )
    temporary_status_months = models.PositiveSmallIntegerField(
        _("temporary status, months"), default=1,
        help_text=_("A person whose category record is missing is insured this long "
                    "on the documents they bring."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    objects = EffectiveDatedQuerySet.as_manager()  # interval rows (osms.core.dated)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("status policy")
        verbose_name_plural = _("status policies")
        ordering = ["valid_from"]

    def __str__(self):
        return f"{day(self.valid_from)}–{day(self.valid_to) or '…'}"

    def clean(self):
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date is before the start date.")})
        if self.retention_after_months and self.retention_months < self.grace_months:
            raise ValidationError(
                {"retention_months": _("The retention cannot be shorter than the grace.")}
            )


class ResidencyRule(models.Model):
    """Which kinds of status a citizenship / residency gives (law art. 5; docs/domain.md §5)."""

    citizenship = models.CharField(_("citizenship / residency"), max_length=20,
                                   choices=Citizenship.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    categories_apply = models.BooleanField(
        _("benefit categories apply"), default=True,
        help_text=_("Off: state-paid categories (children included) give no status."),
    )
    payments_apply = models.BooleanField(
        _("payments give status"), default=True,
        help_text=_("Off: contributions paid for the person give no status."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    effective_key = ("citizenship",)
    objects = EffectiveDatedQuerySet.as_manager()  # interval rows (osms.core.dated)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("residency rule")
        verbose_name_plural = _("residency rules")
        ordering = ["citizenship", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["citizenship", "valid_from"],
                                    name="residency_rule_unique"),
        ]

    def __str__(self):
        return f"{self.get_citizenship_display()} {day(self.valid_from)}–{day(self.valid_to) or '…'}"
