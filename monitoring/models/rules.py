"""The rules monitoring applies, kept as effective-dated data an operator edits.

- ``ControlRule``: one format-logical control rule (code, message in ru/kk, severity,
  an optional numeric parameter such as the submission deadline in days);
- ``RiskIndicator``: a weighted indicator of the risk score (weight, a parameter such as
  the readmission window in days);
- ``ReviewShare``: the share of each provider's riskiest accepted cases sent to review;
- ``Defect``: the classifier of defects an expert records, each with its deduction share;
- ``DiagnosisRestriction``: ICD-10 ranges plausible only for one sex or an age band;
- ``Holiday``: public holidays (weekends count without a row).
The code of each rule is what ``monitoring_sql`` evaluates; the row says whether it is in
force, how severe it is and what it tells the provider (docs/monitoring.md).
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from osms.core import formatting
from osms.core.dated import EffectiveDated, EffectiveDatedQuerySet, dates_ordered

SHARE = {"max_digits": 6, "decimal_places": 4}


class _Messages(models.Model):
    message_ru = models.CharField(_("message (Russian)"), max_length=300)
    message_kk = models.CharField(_("message (Kazakh)"), max_length=300)
    message_en = models.CharField(_("message (English)"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def message(self):
        lang = (get_language() or "ru")[:2]
        return getattr(self, f"message_{lang}", None) or self.message_ru


class Severity(models.TextChoices):
    REJECT = "reject", _("Reject the case")
    REVIEW = "review", _("Send the case to expert review")


class ControlRule(EffectiveDated, _Messages):
    code = models.CharField(_("code"), max_length=30)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    parameter = models.DecimalField(_("parameter"), max_digits=10, decimal_places=2, null=True,
                                    blank=True, help_text=_("E.g. the submission deadline in "
                                                            "days after the month."))
    is_assumption = models.BooleanField(
        _("our assumption"), default=False,
        help_text=_("Set when the rule is not a published rule of the Fund."))

    objects = EffectiveDatedQuerySet.as_manager()
    effective_key = ("code",)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("control rule")
        verbose_name_plural = _("control rules")
        ordering = ["code", "-valid_from"]
        constraints = [dates_ordered("controlrule_dates_ordered")]

    def __str__(self):
        return self.message  # the code is a column and a field of its own


class RiskIndicator(EffectiveDated, _Messages):
    code = models.CharField(_("code"), max_length=30)
    weight = models.DecimalField(_("weight"), max_digits=8, decimal_places=2)
    parameter = models.DecimalField(_("parameter"), max_digits=10, decimal_places=2, null=True,
                                    blank=True)

    objects = EffectiveDatedQuerySet.as_manager()
    effective_key = ("code",)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risk indicator")
        verbose_name_plural = _("risk indicators")
        ordering = ["code", "-valid_from"]
        constraints = [dates_ordered("riskindicator_dates_ordered"),
                       models.CheckConstraint(condition=models.Q(weight__gte=0),
                                              name="riskindicator_weight_gte0")]

    def __str__(self):
        return f"{self.message} × {formatting.number(self.weight)}"


class ReviewShare(EffectiveDated):
    """The share of a provider's accepted cases of a month with a risk score > 0 that go to
    expert review (the riskiest first)."""

    share = models.DecimalField(_("share sent to review"), **SHARE)

    objects = EffectiveDatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review share")
        verbose_name_plural = _("review shares")
        ordering = ["-valid_from"]
        constraints = [dates_ordered("reviewshare_dates_ordered"),
                       models.CheckConstraint(condition=models.Q(share__gte=0, share__lte=1),
                                              name="reviewshare_share_range")]

    def __str__(self):
        return f"{formatting.rate(self.share)} ({formatting.day(self.valid_from)})"


class Defect(EffectiveDated):
    code = models.CharField(_("code"), max_length=20)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    deduction_share = models.DecimalField(_("deduction share of the case amount"), **SHARE)

    objects = EffectiveDatedQuerySet.as_manager()
    effective_key = ("code",)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("defect")
        verbose_name_plural = _("defect classifier")
        ordering = ["code", "-valid_from"]
        constraints = [dates_ordered("defect_dates_ordered"),
                       models.CheckConstraint(condition=models.Q(deduction_share__gte=0,
                                                                 deduction_share__lte=1),
                                              name="defect_share_range")]

    def __str__(self):
        lang = (get_language() or "ru")[:2]
        return f"{self.code} {getattr(self, f'name_{lang}', '') or self.name_ru}"


class DiagnosisRestriction(models.Model):
    """An ICD-10 range plausible only for one sex and/or an age band (in whole years)."""

    class Sex(models.TextChoices):
        ANY = "", _("both sexes")
        MALE = "M", _("male only")
        FEMALE = "F", _("female only")

    icd10_from = models.CharField(_("ICD-10 from"), max_length=10)
    icd10_to = models.CharField(_("ICD-10 to"), max_length=10)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True, default="")
    age_min = models.PositiveSmallIntegerField(_("age from"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("age to (inclusive)"), null=True, blank=True)
    note = models.CharField(_("note (English)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("diagnosis restriction")
        verbose_name_plural = _("diagnosis restrictions")
        ordering = ["icd10_from"]

    def __str__(self):
        return f"{self.icd10_from}-{self.icd10_to} {self.name}".strip()

    @property
    def name(self):
        lang = (get_language() or "ru")[:2]
        if lang == "en" and self.note:
            return self.note
        return getattr(self, f"name_{lang}", None) or self.name_ru or self.note


class Holiday(models.Model):
    day = models.DateField(_("day"), unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["day"]

    def __str__(self):
        return f"{formatting.day(self.day)} {self.name}"
