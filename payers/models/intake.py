"""What an import could not post: rejected rows (with the reason) and the suspense queue.

A row with a valid ИИН that is not in the registry waits in suspense until an
operator matches it to a person (it is then posted to the ledger) or returns
the money to the payer through the State Corporation.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from osms.core.formatting import money

from .payments import ImportRun, Payment, PaymentKind

LINE = _("line")


class RejectReason(models.TextChoices):
    PAYER_ID = "payer_id", _("Payer BIN/IIN is not 12 digits with a valid check digit")
    IIN = "iin", _("IIN is not valid")
    PERIOD_FORMAT = "period_format", _("Period is not MMYYYY")
    PERIOD_FUTURE = "period_future", _("Period is in the future")
    PERIOD_EARLY = "period_early", _("Period is before this KNP applies")
    KNP = "knp", _("Unknown KNP")
    AMOUNT_FORMAT = "amount_format", _("Amount is not a number with at most 2 decimals")
    AMOUNT_NEGATIVE = "amount_negative", _("Amount is negative")
    AMOUNT_ZERO = "amount_zero", _("Amount is zero")
    PAID_ON_FORMAT = "paid_on_format", _("Payment date is not a date YYYY-MM-DD")
    PAID_ON_FUTURE = "paid_on_future", _("Payment date is in the future")
    DOCUMENT_NO = "document_no", _("Document number is empty or longer than 40")


class PaymentReject(models.Model):
    """A row of a payment file that was not posted, with its line and the reason."""

    import_run = models.ForeignKey(
        ImportRun, verbose_name=_("import run"), on_delete=models.CASCADE, related_name="rejects"
    )
    line_no = models.BigIntegerField(_("line"))
    reason = models.CharField(_("reason"), max_length=20, choices=RejectReason.choices)
    payer_id = models.TextField(_("payer_id"), blank=True)
    iin = models.TextField(_("iin"), blank=True)
    last_name = models.TextField(_("last_name"), blank=True)
    first_name = models.TextField(_("first_name"), blank=True)
    period = models.TextField(_("period"), blank=True)
    knp = models.TextField(_("knp"), blank=True)
    amount = models.TextField(_("amount"), blank=True)
    paid_on = models.TextField(_("paid_on"), blank=True)
    document_no = models.TextField(_("document_no"), blank=True)

    class Meta:
        verbose_name = _("rejected payment row")
        verbose_name_plural = _("rejected payment rows")
        ordering = ["import_run", "line_no"]
        indexes = [models.Index(fields=["import_run", "line_no"], name="payment_reject_run_line")]

    def __str__(self):
        return f"#{self.import_run_id} {LINE} {self.line_no}: {self.get_reason_display()}"

    @property
    def detail(self):
        """The rule the value broke, as the validator words it (which ИИН/БИН rule: length,
        digits, century digit, birth date, check digit); empty when the label says it all."""
        from ..validators import BIN_TYPES, bin_problem, iin_problem

        if self.reason == RejectReason.IIN:
            return iin_problem(self.iin) or ""
        if self.reason == RejectReason.PAYER_ID:
            value = self.payer_id or ""
            if bin_problem(value) and iin_problem(value):  # a БИН has 4–6 as its 5th digit
                looks_like_bin = len(value) == 12 and value[4:5] in BIN_TYPES
                return (bin_problem if looks_like_bin else iin_problem)(value)
        return ""

    @property
    def reason_text(self):
        """The reason's label with the validator's detail («ИИН недействителен: …»)."""
        label = self.get_reason_display()
        detail = self.detail
        return f"{label}: {detail}" if detail else str(label)

    @property
    def field(self):
        """The file column at fault (reason codes start with the column name)."""
        for column in ("payer_id", "iin", "period", "knp", "amount", "paid_on", "document_no"):
            if self.reason.startswith(column):
                return column
        return ""


class SuspensePayment(models.Model):
    """A valid payment for an ИИН not (yet) in the registry."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a match")
        MATCHED = "matched", _("Matched and posted")
        RETURNED = "returned", _("Returned to the payer")

    iin = models.CharField(_("IIN paid for"), max_length=12, db_index=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    payer_code = models.CharField(_("payer BIN/IIN"), max_length=12)
    period = models.DateField(_("period"))
    kind = models.CharField(_("kind"), max_length=30, choices=PaymentKind.choices)
    knp = models.CharField(_("KNP"), max_length=3)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    document_no = models.CharField(_("document no."), max_length=40)
    import_run = models.ForeignKey(
        ImportRun, verbose_name=_("import run"), on_delete=models.PROTECT, related_name="+"
    )
    line_no = models.BigIntegerField(_("line"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # Checked by a deferred constraint trigger, not a foreign key: the ledger is partitioned
    # by period on PostgreSQL (payers migration 0009).
    payment = models.OneToOneField(
        Payment,
        verbose_name=_("posted payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="from_suspense",
        db_constraint=False,
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment in suspense")
        verbose_name_plural = _("payments in suspense")
        # Matching posts money to the ledger: its own permission (payers.roles).
        permissions = [("match_suspensepayment", _("Can match suspense payments and post them"))]
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_no", "iin", "period", "knp", "payer_code"],
                name="suspense_source_row_unique",
            ),
        ]
        indexes = [models.Index(fields=["status", "-id"], name="suspense_status_idx")]

    def __str__(self):
        return f"{self.iin} {self.period:%m.%Y} {money(self.amount)} ({self.get_status_display()})"
