"""Refunds of erroneous or excess payments, and the computed arrears (docs/domain.md §3).

A refund needs an application by the payer and the consent of the person paid
for; the Fund decides (refund or reasoned refusal); an approved refund is
posted as a reversing entry of the refunded payment.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from osms.core.formatting import money
from osms.core.scoping import RegionScopedQuerySet

from .payments import Payment, PaymentKind
from .registry import Person


class RefundApplication(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, waiting for consent")
        CONSENTED = "consented", _("Consent received, waiting for decision")
        APPROVED = "approved", _("Approved, waiting for refund")
        REFUSED = "refused", _("Refused")
        REFUNDED = "refunded", _("Refunded")

    # The ledger is partitioned by period on PostgreSQL, where a foreign key cannot point
    # at a payment's id alone: a deferred constraint trigger checks both references
    # instead (payers migration 0009, docs/scale.md).
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds",
        db_constraint=False,
    )
    applicant_code = models.CharField(_("applicant BIN/IIN"), max_length=12)
    amount = models.DecimalField(_("amount to refund"), max_digits=14, decimal_places=2)
    reason = models.TextField(_("grounds"))
    submitted_on = models.DateField(_("submitted on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    consent_on = models.DateField(_("consent received on"), null=True, blank=True)
    consent_document = models.CharField(_("consent document"), max_length=100, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refusal_reason = models.TextField(_("reasons for refusal"), blank=True)
    refund_entry = models.OneToOneField(
        Payment,
        verbose_name=_("refund entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refund_application",
        db_constraint=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()
    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "payment__person__region"

    class Meta:
        verbose_name = _("refund application")
        verbose_name_plural = _("refund applications")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_pos"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.payment.iin} {money(self.amount)} ({self.get_status_display()})"


class Arrear(models.Model):
    """Expected vs paid for one payer, person, period and kind, as of a date (recomputed)."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="arrears"
    )
    payer_code = models.CharField(_("payer BIN/IIN"), max_length=12)
    period = models.DateField(_("period"))
    kind = models.CharField(_("kind"), max_length=30, choices=PaymentKind.choices)
    expected = models.DecimalField(_("expected"), max_digits=14, decimal_places=2)
    paid = models.DecimalField(_("paid"), max_digits=14, decimal_places=2)
    paid_late = models.DecimalField(_("paid late"), max_digits=14, decimal_places=2)
    debt = models.DecimalField(_("debt"), max_digits=14, decimal_places=2)
    due_on = models.DateField(_("due on"))
    days_overdue = models.IntegerField(_("days overdue"))
    penalty = models.DecimalField(_("penalty"), max_digits=14, decimal_places=2)
    as_of = models.DateField(_("as of"))

    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "person__region"

    class Meta:
        verbose_name = _("arrear")
        verbose_name_plural = _("arrears and penalties")
        # Rebuilding the table is a job, not an edit: its own permission (payers.roles).
        permissions = [("recompute_arrear", _("Can recompute the arrears and penalties"))]
        ordering = ["-period", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "payer_code", "period", "kind"], name="arrear_unique"
            ),
        ]
        indexes = [models.Index(fields=["period", "kind"], name="arrear_period_kind_idx")]

    def __str__(self):
        return f"{self.payer_code} {self.period:%m.%Y}: {money(self.debt)}"


class ArrearsRun(models.Model):
    """One rebuild of the whole arrears table (``payers.arrears.arrears_recompute``): as of
    which day, full or incremental, and what it covered — the payments up to
    ``payment_watermark``, the registry changes up to ``changes_until``, the obligation
    sources' marks and the digest of the rates and rules it priced with. The next run
    compares itself with the last one to know whether it may rebuild only what changed."""

    class Mode(models.TextChoices):
        FULL = "full", _("Full")
        INCREMENTAL = "incremental", _("Incremental")

    as_of = models.DateField(_("as of"))
    since = models.DateField(_("periods from"), null=True, blank=True)
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices)
    payment_watermark = models.BigIntegerField(_("payments up to id"), null=True, blank=True)
    changes_until = models.DateTimeField(_("registry changes up to"), null=True, blank=True)
    activity_mark = models.CharField(_("activities mark"), max_length=60, blank=True)
    source_marks = models.JSONField(_("obligation sources' marks"), default=dict, blank=True)
    inputs_digest = models.CharField(_("rates and rules digest"), max_length=64, blank=True)
    persons = models.IntegerField(_("persons rebuilt"), null=True, blank=True)
    rows = models.IntegerField(_("rows written"), default=0)
    reason = models.CharField(_("why full"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("arrears run")
        verbose_name_plural = _("arrears runs")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.as_of:%d.%m.%Y} {self.get_mode_display()} ({self.rows})"
