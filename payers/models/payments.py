"""The immutable payments ledger, the payment purpose codes and import runs (docs/domain.md §3).

A posted payment is never changed nor deleted: a correction is a reversing entry
(negative amount, ``reverses`` set), a refund is a reversing entry made by the
refund workflow. Ids increase monotonically: "payments posted since the last
run" is ``id > watermark``. On PostgreSQL a trigger refuses UPDATE and DELETE.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from osms.core import bounds
from osms.core.formatting import money
from osms.core.locks import xact_lock
from osms.core.scoping import RegionScopedQuerySet

from .registry import Person


class PaymentKind(models.TextChoices):
    EMPLOYER_DEDUCTION = "employer_deduction", _("Employer deduction (KNP 121)")
    EMPLOYEE_CONTRIBUTION = "employee_contribution", _("Employee contribution (KNP 122)")
    SELF_EMPLOYED = "self_employed", _("Entrepreneur or private practice")
    CIVIL_CONTRACT = "civil_contract", _("Civil-law contract income")
    SELF_PAYER = "self_payer", _("Self-payer")
    PLATFORM = "platform", _("Online platform worker")
    STATE = "state", _("State, for benefit categories")
    LOCAL_BUDGET = "local_budget", _("Local budget")
    PENALTY = "penalty", _("Penalty")


class KnpCode(models.Model):
    """A payment purpose code (КНП) of the State Corporation's orders → the ledger kind."""

    knp = models.CharField(_("KNP"), max_length=3, unique=True)
    kind = models.CharField(_("payment kind"), max_length=30, choices=PaymentKind.choices)
    name = models.CharField(_("name"), max_length=300)
    valid_from = models.DateField(_("first period"))
    max_months_ahead = models.PositiveSmallIntegerField(
        _("months payable ahead"),
        default=0,
        help_text=_("Self-payers may prepay up to 12 future months; others none."),
    )
    source = models.TextField(_("source"), blank=True)
    confirmed = models.BooleanField(_("confirmed"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment purpose code (KNP)")
        verbose_name_plural = _("payment purpose codes (KNP)")
        ordering = ["knp"]

    def __str__(self):
        return f"{self.knp} {self.name}"


class ImportRun(models.Model):
    """One load of a payment file: what came in, what happened, how long it took."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed, nothing posted")

    class Source(models.TextChoices):
        COMMAND = "command", _("Management command")
        ADMIN = "admin", _("Admin upload")
        TASK = "task", _("Background task")

    file = models.FileField(_("file"), upload_to="imports/payments/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    size = models.BigIntegerField(_("size, bytes"), default=0)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    phase = models.CharField(_("phase"), max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    rows_total = models.BigIntegerField(_("rows"), default=0)
    loaded = models.BigIntegerField(_("loaded"), default=0)
    duplicates = models.BigIntegerField(_("duplicates"), default=0)
    rejected = models.BigIntegerField(_("rejected"), default=0)
    suspense = models.BigIntegerField(_("to suspense"), default=0)
    error = models.TextField(_("error"), blank=True)
    first_payment_id = models.BigIntegerField(_("first payment id"), null=True, blank=True)
    last_payment_id = models.BigIntegerField(_("last payment id"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment import run")
        verbose_name_plural = _("payment import runs")
        ordering = ["-id"]

    def __str__(self):
        return f"#{self.pk} {self.file_name} ({self.get_status_display()})"

    def payments_posted(self):
        """The ledger rows this run posted (an id-range scan, not a full-table filter)."""
        if self.first_payment_id is None:
            return Payment.objects.none()
        return Payment.objects.filter(
            id__gte=self.first_payment_id, id__lte=self.last_payment_id, import_run=self
        )

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class Payment(models.Model):
    """One payment received for one person and one month; immutable once posted."""

    # The three references below are enforced on PostgreSQL by one statement-level trigger
    # (migration 0007) instead of per-row foreign-key triggers: a file of 10 million rows
    # is checked by one join, not 30 million deferred row checks. Same guarantees: the rows
    # referred to must exist, are locked (FOR KEY SHARE) until the posting commits, and
    # persons or users with payments cannot be deleted.
    # Indexed by (person, period) below: no separate person index to maintain on bulk loads.
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="payments",
        db_index=False,
        db_constraint=False,
    )
    iin = models.CharField(_("IIN paid for"), max_length=12)
    payer_code = models.CharField(
        _("payer BIN/IIN"), max_length=12, help_text=_("Who paid: a BIN, or an IIN.")
    )
    period = models.DateField(_("period"), help_text=_("First day of the month paid for."))
    kind = models.CharField(_("kind"), max_length=30, choices=PaymentKind.choices)
    knp = models.CharField(_("KNP"), max_length=3)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"), help_text=_("Bank acceptance date."))
    document_no = models.CharField(_("document no."), max_length=40)
    # Runs are append-only records, never deleted (PROTECT here, no delete in the admin).
    # No database FK check nor index: every row of a bulk load carries the same value, and
    # a run's rows are found by the id range the run records (first/last payment id).
    import_run = models.ForeignKey(
        ImportRun,
        verbose_name=_("import run"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
        db_index=False,
        db_constraint=False,
    )
    reverses = models.ForeignKey(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversals",
        db_index=False,
        db_constraint=False,
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    posted_at = models.DateTimeField(_("posted"), auto_now_add=True)

    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "person__region"

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["person", "period"], name="payment_person_period_idx"),
            models.Index(
                fields=["reverses"],
                condition=models.Q(reverses__isnull=False),
                name="payment_reverses_idx",
            ),
            models.Index(
                fields=["posted_by"],
                condition=models.Q(posted_by__isnull=False),
                name="payment_posted_by_idx",
            ),
            # The payment list filtered by a rare KNP (penalties) or kind, newest first: only
            # the rare rows are indexed, so imports of deductions and contributions (121/122)
            # pay nothing for it, and a page no longer scans the ledger for a few rows.
            models.Index(
                fields=["knp", "id"],
                condition=~models.Q(knp__in=["121", "122"]),
                name="payment_rare_knp_idx",
            ),
            models.Index(
                fields=["kind", "id"],
                condition=~models.Q(kind__in=["employer_deduction", "employee_contribution"]),
                name="payment_rare_kind_idx",
            ),
        ]
        constraints = [
            # One source row is posted once: the key of idempotent imports. The period and
            # the person lead, in the order of the (person, period) index: an import posts
            # its rows sorted by this key and both indexes are filled in one forward sweep.
            models.UniqueConstraint(
                fields=["period", "person", "knp", "payer_code", "document_no"],
                name="payment_source_row_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(reverses__isnull=True, amount__gt=0)
                | models.Q(reverses__isnull=False, amount__lt=0),
                name="payment_sign_matches_reversal",
            ),
            models.CheckConstraint(condition=models.Q(period__day=1), name="payment_period_first"),
        ]

    def __str__(self):
        return f"{self.iin} {self.period:%m.%Y} {money(self.amount)} ({self.document_no})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("A posted payment is immutable: post a reversing entry."))
        with transaction.atomic():
            # The ledger's write lock (payers.ledger.settled_payment_watermark).
            xact_lock("ledger_write", shared=True)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A posted payment cannot be deleted: post a reversing entry."))

    def clean(self):
        # A manual entry (the admin, payers.ledger): dates within plausible bounds
        # (osms.core.bounds); bulk imports check their rows without ``full_clean``.
        errors = {}
        for field, label, kwargs in (
                ("paid_on", _("The payment date"), {"not_future": True}),
                ("period", _("The period"), {"years_ahead": bounds.MAX_START_YEARS_AHEAD})):
            problem = bounds.date_problem(getattr(self, field), label=label,
                                          earliest=bounds.EARLIEST_PAYMENT_DATE, **kwargs)
            if problem:
                errors[field] = problem
        if errors:
            raise ValidationError(errors)
