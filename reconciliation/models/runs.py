"""Reconciliation rules (effective-dated), job runs and the collections summary."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from osms.core.bounds import (
    EARLIEST_PAYMENT_DATE,
    MAX_LONG_TEXT,
    MAX_START_YEARS_AHEAD,
    check_fields,
)
from osms.core.dated import EffectiveDatedQuerySet
from osms.core.formatting import money
from osms.core.models import Region
from osms.core.scoping import RegionScopedQuerySet
from payers.models.payments import PaymentKind

MONEY = {"max_digits": 16, "decimal_places": 2}


class ReconciliationRule(models.Model):
    """How strictly periods from ``valid_from`` on are reconciled (until the next row)."""

    valid_from = models.DateField(_("valid from"), unique=True)
    tolerance = models.DecimalField(
        _("tolerance, ₸"),
        max_digits=10,
        decimal_places=2,
        help_text=_("Differences up to this amount are not flagged."),
    )
    other_period_window = models.PositiveSmallIntegerField(
        _("other-period window, months"),
        default=12,
        help_text=_("How far from the declared month a payment is searched for."),
    )
    note = models.TextField(_("note"), blank=True)

    # A schedule (osms.core.dated): a row applies until the next row.
    valid_to_field = None
    effective_key = ()
    objects = EffectiveDatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reconciliation rule")
        verbose_name_plural = _("reconciliation rules")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tolerance__gte=0), name="recon_rule_tolerance_nonneg"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__day=1), name="recon_rule_valid_from_1st"
            ),
        ]

    def __str__(self):
        return f"{self.valid_from:%m.%Y}: ±{money(self.tolerance)}"

    def clean(self):
        super().clean()
        check_fields(self, dates={"valid_from": {"earliest": EARLIEST_PAYMENT_DATE,
                                                 "years_ahead": MAX_START_YEARS_AHEAD}},
                     texts={"note": MAX_LONG_TEXT})


class ReconciliationRun(models.Model):
    """One reconciliation of one period: when, why, with which rule, what it found."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed, previous results kept")

    class Trigger(models.TextChoices):
        MANUAL = "manual", _("Command or admin")
        MONTHLY = "monthly", _("Monthly, closed period")
        NIGHTLY = "nightly", _("Nightly, late data")

    period = models.DateField(_("period"))
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    tolerance = models.DecimalField(_("tolerance, ₸"), max_digits=10, decimal_places=2)
    declarations = models.BigIntegerField(_("declaration lines"), default=0)
    payments = models.BigIntegerField(_("persons paid for (121/122)"), default=0)
    found = models.BigIntegerField(_("discrepancies"), default=0)
    new = models.BigIntegerField(_("new discrepancies"), default=0)
    cleared = models.BigIntegerField(_("cleared discrepancies"), default=0)
    by_type = models.JSONField(_("by type"), default=dict, blank=True)
    payment_watermark = models.BigIntegerField(
        _("last payment id seen"), default=0, help_text=_("Payments up to this id were seen.")
    )
    declaration_watermark = models.BigIntegerField(
        _("last declaration import seen"), default=0
    )
    employers = models.JSONField(
        _("employers (BIN)"), null=True, blank=True,
        help_text=_("Empty: the whole period; else only these employers' lines."))
    paid_rows = models.BigIntegerField(
        _("payments staged"), default=0,
        help_text=_("The period's deductions and contributions up to the last payment seen, "
                    "read once when the run opened and shared by its chunks."))
    chunks_total = models.PositiveIntegerField(_("chunks"), default=0)
    chunks_done = models.PositiveIntegerField(_("chunks done"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("reconciliation run")
        verbose_name_plural = _("reconciliation runs")
        ordering = ["-id"]
        indexes = [models.Index(fields=["trigger", "status"], name="recon_run_trigger_idx")]

    def __str__(self):
        return f"#{self.pk} {self.period:%m.%Y} ({self.get_status_display()})"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def progress(self):
        return f"{self.chunks_done}/{self.chunks_total}"


class ReconciliationChunk(models.Model):
    """A piece of a run: the employers with a BIN in [lo, hi) (either end open when empty),
    or the listed ``bins``; done once, in one transaction (``osms.core.fanout``)."""

    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="chunks")
    lo = models.CharField(_("from BIN"), max_length=12, blank=True)
    hi = models.CharField(_("to BIN (excluded)"), max_length=12, blank=True)
    bins = models.JSONField(_("employers (BIN)"), null=True, blank=True)
    declarations = models.BigIntegerField(_("declaration lines"), default=0)
    found = models.BigIntegerField(_("discrepancies"), default=0)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("reconciliation chunk")
        verbose_name_plural = _("reconciliation chunks")
        ordering = ["run", "id"]
        indexes = [models.Index(fields=["run", "done_at"], name="recon_chunk_run_done_idx")]

    def __str__(self):
        return f"{self.run_id}: {self.lo or '…'}–{self.hi or '…'}"


class FoundLine(models.Model):
    """A discrepancy found by a chunk, kept until its run closes and merges them all into
    the worklist at once (a run that dies half-way leaves the worklist as it was)."""

    # No database-level keys (``db_constraint=False``): a chunk writes these rows while it
    # holds its run (``FOR KEY SHARE``) and its chunk (``FOR UPDATE``) locked, so both exist
    # by construction, and the deferred check of two keys per row cost ≈ 0.3 s of each 5 M
    # chunk's commit (docs/scale.md). Deletion still cascades through the ORM, and a run's
    # rows are deleted when it closes or fails.
    run = models.ForeignKey(
        ReconciliationRun, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    chunk = models.ForeignKey(
        ReconciliationChunk, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    employer_bin = models.CharField(max_length=12)
    iin = models.CharField(max_length=12)
    kind = models.CharField(max_length=30, blank=True)
    type = models.CharField(max_length=30)
    employer_id = models.BigIntegerField(null=True)
    person_id = models.BigIntegerField(null=True)
    region_id = models.BigIntegerField()
    income = models.DecimalField(null=True, **MONEY)
    declared = models.DecimalField(null=True, **MONEY)
    paid = models.DecimalField(null=True, **MONEY)
    expected = models.DecimalField(null=True, **MONEY)
    amount = models.DecimalField(**MONEY)
    other_period = models.DateField(null=True)

    class Meta:
        verbose_name = _("discrepancy found by a chunk")
        verbose_name_plural = _("discrepancies found by chunks")
        indexes = [models.Index(fields=["run", "chunk"], name="recon_found_run_chunk_idx")]

    def __str__(self):
        return f"{self.run_id}/{self.chunk_id}: {self.employer_bin} {self.iin} {self.type}"


class CollectionPart(models.Model):
    """One employer's share of a period's collections by region and payer type (the other
    payer types: one row per region with an empty BIN), as of the run that wrote it. The
    period's ``CollectionSummary`` is the sum of its parts, so reconciling one employer
    again replaces that employer's parts only."""

    period = models.DateField(_("period"))
    employer_bin = models.CharField(_("employer BIN"), max_length=12, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    payer_type = models.CharField(_("payer type"), max_length=30, choices=PaymentKind.choices)
    expected = models.DecimalField(_("expected"), null=True, blank=True, **MONEY)
    declared = models.DecimalField(_("declared"), null=True, blank=True, **MONEY)
    collected = models.DecimalField(_("collected"), default=0, **MONEY)
    persons = models.BigIntegerField(_("persons paid for"), default=0)
    # The run's key without a database constraint, for the reason given on ``FoundLine``:
    # parts are written by a chunk or by the close, each holding the run's row locked. The
    # region's key stays checked.
    run = models.ForeignKey(
        ReconciliationRun,
        verbose_name=_("run"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("collections part")
        verbose_name_plural = _("collections parts")
        indexes = [
            models.Index(fields=["period", "employer_bin"], name="collection_part_bin_idx"),
            models.Index(fields=["run"], name="collection_part_run_idx"),
        ]

    def __str__(self):
        return f"{self.period:%m.%Y} {self.employer_bin} {self.payer_type}"


class CollectionSummary(models.Model):
    """Collections against what was expected for one month, region and payer type."""

    period = models.DateField(_("period"))
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    payer_type = models.CharField(_("payer type"), max_length=30, choices=PaymentKind.choices)
    expected = models.DecimalField(
        _("expected"), null=True, blank=True, help_text=_("Empty: no basis to expect."), **MONEY
    )
    declared = models.DecimalField(_("declared"), null=True, blank=True, **MONEY)
    collected = models.DecimalField(_("collected"), default=0, **MONEY)
    persons = models.BigIntegerField(_("persons paid for"), default=0)
    run = models.ForeignKey(
        ReconciliationRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="+"
    )

    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "region"

    class Meta:
        verbose_name = _("collections summary")
        verbose_name_plural = _("collections summaries")
        ordering = ["-period", "region", "payer_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "region", "payer_type"], name="collection_summary_key"
            )
        ]

    def __str__(self):
        return f"{self.period:%m.%Y} {self.region} {self.get_payer_type_display()}"

    @property
    def gap(self):
        if self.expected is None:
            return None
        return self.expected - self.collected
