"""Expert review of a case: findings by defect code, one dispute, the patient's report."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from osms.core import formatting
from osms.core.scoping import RegionScopedQuerySet

from .cases import MONEY, Case
from .rules import Defect


class Review(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the expert")
        CONCLUDED = "concluded", _("Concluded")
        DISPUTED = "disputed", _("Disputed by the provider")
        CLOSED = "closed", _("Dispute decided")

    class Reason(models.TextChoices):
        RISK = "risk", _("Risk score")
        CONTROL = "control", _("Control rule")
        PATIENT = "patient", _("The patient reported the care did not happen")

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.CASCADE,
                                related_name="review")
    reason = models.CharField(_("why reviewed"), max_length=10, choices=Reason.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("expert"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+")
    conclusion = models.TextField(_("conclusion"), blank=True)
    deduction = models.DecimalField(_("deduction"), default=0, **MONEY)
    dispute_reason = models.TextField(_("dispute reason"), blank=True)
    dispute_decision = models.TextField(_("decision on the dispute"), blank=True)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)

    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "case__region"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expert review")
        verbose_name_plural = _("expert reviews")
        ordering = ["status", "-id"]

    def __str__(self):
        return f"{self.case} · {self.get_status_display()}"


class ReviewFinding(models.Model):
    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE,
                               related_name="findings")
    defect = models.ForeignKey(Defect, verbose_name=_("defect"), on_delete=models.PROTECT,
                               related_name="+")
    note = models.TextField(_("note"), blank=True)
    amount = models.DecimalField(_("deduction"), **MONEY)
    withdrawn = models.BooleanField(_("withdrawn after the dispute"), default=False)

    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "review__case__region"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review finding")
        verbose_name_plural = _("review findings")

    def __str__(self):
        return f"{self.defect}: {formatting.money(self.amount)}"


class PatientReport(models.Model):
    """The person's confirmed statement «I did not receive this care»."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="patient_reports")
    reported_at = models.DateTimeField(_("reported"), auto_now_add=True)
    channel = models.CharField(_("channel"), max_length=40)
    text = models.TextField(_("what the person wrote"), blank=True)

    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "case__region"

    class Meta:
        verbose_name = _("patient report")
        verbose_name_plural = _("patient reports")

    def __str__(self):
        return f"{self.case_id} {self.reported_at:%d.%m.%Y}"
