"""Effective-dated money rules (docs/domain.md §3): reference values, contribution rates, penalties.

Every row applies from ``valid_from`` until the next row of the same key. Nothing
here is a literal in business code: ``payers.rates`` looks rows up by date.
Rows whose value could not be confirmed from a public source carry
``confirmed=False`` and are flagged in the admin.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from osms.core.dated import EffectiveDatedQuerySet
from osms.core.formatting import day, number
from osms.core.models import Region

BASE_RATE = _("base rate")


class PayerType(models.TextChoices):
    EMPLOYEE = "employee", _("Employee (employer deductions and employee contributions)")
    INDIVIDUAL_ENTREPRENEUR = "individual_entrepreneur", _("Individual entrepreneur")
    PRIVATE_PRACTICE = "private_practice", _(
        "Private practice (notary, bailiff, lawyer, mediator)"
    )
    CIVIL_CONTRACT = "civil_contract", _("Civil-law contract income")
    SELF_PAYER = "self_payer", _("Self-payer")
    PLATFORM = "platform", _("Online platform worker")
    STATE = "state", _("State, for benefit categories")
    LOCAL_BUDGET = "local_budget", _("Local budget (akimat)")


class LineKind(models.TextChoices):
    EMPLOYER_DEDUCTION = "employer_deduction", _("Employer deduction")
    EMPLOYEE_CONTRIBUTION = "employee_contribution", _("Employee contribution")
    SELF_EMPLOYED_CONTRIBUTION = "self_employed_contribution", _(
        "Self-employed contribution"
    )
    CIVIL_CONTRACT_CONTRIBUTION = "civil_contract_contribution", _(
        "Civil-law contract contribution"
    )
    SELF_PAYER_CONTRIBUTION = "self_payer_contribution", _("Self-payer contribution")
    STATE_CONTRIBUTION = "state_contribution", _("State contribution")
    LOCAL_BUDGET_CONTRIBUTION = "local_budget_contribution", _("Local budget contribution")
    PLATFORM_CONTRIBUTION = "platform_contribution", _("Platform contribution")


class ReferenceKind(models.TextChoices):
    MZP = "mzp", _("Minimum monthly wage (МЗП)")
    MRP = "mrp", _("Monthly calculation index (МРП)")
    AVERAGE_WAGE = "average_wage", _("National average monthly wage (СМЗ)")
    REGIONAL_AVERAGE_WAGE = "regional_average_wage", _("Regional average monthly wage")
    NB_BASE_RATE = "nb_base_rate", _("National Bank base rate, % a year")


class SourcedRow(models.Model):
    """Where a value comes from, and whether an operator has confirmed it."""

    valid_from = models.DateField(_("valid from"))
    source = models.TextField(_("source"), blank=True)
    confirmed = models.BooleanField(
        _("confirmed"),
        default=False,
        help_text=_("Unconfirmed values come from secondary sources and must be checked."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True


class ReferenceValue(SourcedRow):
    """МЗП, МРП, average wages and the National Bank base rate, from a date."""

    kind = models.CharField(_("kind"), max_length=30, choices=ReferenceKind.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Only for the regional average wage."),
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)

    # A schedule: a row applies until the next row of the same key (osms.core.dated).
    valid_to_field = None
    effective_key = ("kind", "region")
    objects = EffectiveDatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reference value")
        verbose_name_plural = _("reference values")
        ordering = ["kind", "region", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "valid_from"],
                condition=models.Q(region__isnull=True),
                name="reference_value_national_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "region", "valid_from"],
                condition=models.Q(region__isnull=False),
                name="reference_value_regional_unique",
            ),
            models.CheckConstraint(condition=models.Q(value__gt=0), name="reference_value_pos"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {day(self.valid_from)}: {number(self.value)}"

    def clean(self):
        regional = self.kind == ReferenceKind.REGIONAL_AVERAGE_WAGE
        if regional and self.region_id is None:
            raise ValidationError({"region": _("The regional average wage needs a region.")})
        if not regional and self.region_id is not None:
            raise ValidationError({"region": _("Only the regional average wage has a region.")})


class BaseKind(models.TextChoices):
    INCOME = "income", _("Income paid")
    MZP_MULTIPLE = "mzp_multiple", _("A multiple of the minimum monthly wage")
    AVERAGE_WAGE = "average_wage", _("National average wage, some years back")
    REGIONAL_AVERAGE_WAGE = "regional_average_wage", _("Regional average wage")


class ContributionRate(SourcedRow):
    """One line of a payer type's obligation from a date: rate, base, minimum and cap."""

    payer_type = models.CharField(_("payer type"), max_length=30, choices=PayerType.choices)
    kind = models.CharField(_("line"), max_length=40, choices=LineKind.choices)
    rate = models.DecimalField(
        _("rate"), max_digits=7, decimal_places=4, help_text=_("A fraction: 0.0300 is 3 %.")
    )
    base = models.CharField(_("base"), max_length=30, choices=BaseKind.choices)
    base_multiple = models.DecimalField(
        _("base multiple"),
        max_digits=6,
        decimal_places=2,
        default=1,
        help_text=_("For a base of МЗП multiples: 1.4 for entrepreneurs, 1 for self-payers."),
    )
    base_lag_years = models.PositiveSmallIntegerField(
        _("base years back"),
        default=0,
        help_text=_("For average-wage bases: 2 means the average wage of two years before."),
    )
    min_base_mzp = models.DecimalField(
        _("minimum base, МЗП"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: no minimum base."),
    )
    max_base_mzp = models.DecimalField(
        _("maximum base, МЗП"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: no cap."),
    )

    # A schedule: a row applies until the next row of the same key (osms.core.dated).
    valid_to_field = None
    effective_key = ("payer_type", "kind")
    objects = EffectiveDatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contribution rate")
        verbose_name_plural = _("contribution rates")
        ordering = ["payer_type", "kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["payer_type", "kind", "valid_from"], name="contribution_rate_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(rate__gte=0, rate__lt=1), name="contribution_rate_fraction"
            ),
            models.CheckConstraint(
                condition=models.Q(max_base_mzp__isnull=True)
                | models.Q(min_base_mzp__isnull=True)
                | models.Q(max_base_mzp__gte=models.F("min_base_mzp")),
                name="contribution_rate_min_le_max",
            ),
        ]

    def __str__(self):
        return f"{self.get_payer_type_display()} · {self.get_kind_display()} {day(self.valid_from)}"


class PenaltyRule(SourcedRow):
    """Late payment penalty: multiple of the National Bank base rate, and the day count."""

    class DayCount(models.TextChoices):
        ACT_365 = "365", _("Annual rate / 365 per day")
        ACT_360 = "360", _("Annual rate / 360 per day")
        ACT_ACT = "actual", _("Annual rate / days in that year")

    multiplier = models.DecimalField(_("multiple of the base rate"), max_digits=5, decimal_places=2)
    day_count = models.CharField(
        _("day count"), max_length=10, choices=DayCount.choices, default=DayCount.ACT_365
    )
    due_day = models.PositiveSmallIntegerField(
        _("due day of the following month"), default=25
    )

    # A schedule: a row applies until the next row of the same key (osms.core.dated).
    valid_to_field = None
    effective_key = ()
    objects = EffectiveDatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("penalty rule")
        verbose_name_plural = _("penalty rules")
        ordering = ["-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["valid_from"], name="penalty_rule_unique"),
        ]

    def __str__(self):
        return f"{number(self.multiplier)} × {BASE_RATE}, {day(self.valid_from)}"
