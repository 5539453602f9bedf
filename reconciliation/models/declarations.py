"""Tax declaration lines from the State Revenue Committee (КГД), and their import runs.

One ``Declaration`` is one employer's declared figures for one employee and one
month: income paid, ОСМС deductions (КНП 121) and contributions (122), and the
other lines the Fund compares — ИПН, social tax, ОПВ, СО (docs/domain.md §8).
The natural key (employer БИН, ИИН, period) makes imports idempotent: a later
file (a corrective declaration) replaces the figures of the same key.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from osms.core.runs import import_upload_path
from osms.core.scoping import RegionScopedQuerySet
from payers.models import Organisation, Person

MONEY = {"max_digits": 14, "decimal_places": 2}


class DeclarationImportRun(models.Model):
    """One load of a declarations file: what came in, what happened, how long it took."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed, nothing loaded")

    class Source(models.TextChoices):
        COMMAND = "command", _("Management command")
        ADMIN = "admin", _("Admin upload")
        TASK = "task", _("Background task")

    file_name = models.CharField(_("file name"), max_length=255)
    # An admin upload, kept for the worker (osms.core.uploads: private, never served).
    file = models.FileField(_("file"), upload_to=import_upload_path, blank=True, max_length=300)
    checksum = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.BigIntegerField(_("size, bytes"), default=0)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    phase = models.CharField(_("phase"), max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    rows_read = models.BigIntegerField(_("rows read"), default=0)
    inserted = models.BigIntegerField(_("new lines"), default=0)
    updated = models.BigIntegerField(_("corrected lines"), default=0)
    unchanged = models.BigIntegerField(_("unchanged lines"), default=0)
    rejected = models.BigIntegerField(_("rejected"), default=0)
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
        verbose_name = _("declaration import run")
        verbose_name_plural = _("declaration import runs")
        ordering = ["-id"]

    def __str__(self):
        return f"#{self.pk} {self.file_name} ({self.get_status_display()})"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class DeclarationReject(models.Model):
    """A file row that was not loaded, with the field and the reason."""

    run = models.ForeignKey(
        DeclarationImportRun,
        verbose_name=_("import run"),
        on_delete=models.CASCADE,
        related_name="rejects",
    )
    row_no = models.PositiveIntegerField(_("row"))
    field = models.CharField(_("field"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    raw = models.TextField(_("row as read"), blank=True)

    class Meta:
        verbose_name = _("rejected declaration row")
        verbose_name_plural = _("rejected declaration rows")
        ordering = ["run", "row_no"]
        indexes = [models.Index(fields=["run", "row_no"], name="decl_reject_run_row_idx")]

    def __str__(self):
        return f"#{self.run_id}:{self.row_no} {self.field}: {self.reason}"


class DeclarationFigures(models.Model):
    """The declared figures shared by the staging table and the declarations table."""

    employer_bin = models.CharField(_("employer BIN"), max_length=12)
    iin = models.CharField(_("IIN"), max_length=12)
    period = models.DateField(_("period"), help_text=_("First day of the month declared."))
    income = models.DecimalField(_("income paid"), **MONEY)
    osms_deduction = models.DecimalField(_("ОСМС deductions (121)"), **MONEY)
    osms_contribution = models.DecimalField(_("ОСМС contributions (122)"), **MONEY)
    ipn = models.DecimalField(_("personal income tax (ИПН)"), **MONEY)
    social_tax = models.DecimalField(_("social tax"), **MONEY)
    opv = models.DecimalField(_("pension contributions (ОПВ)"), **MONEY)
    so = models.DecimalField(_("social contributions (СО)"), **MONEY)

    class Meta:
        abstract = True


class DeclarationStaging(DeclarationFigures):
    """Rows of a running import (UNLOGGED on PostgreSQL), merged set-based at the end."""

    run_id = models.BigIntegerField(_("import run"), db_index=True)
    row_no = models.PositiveIntegerField(_("row"))

    class Meta:
        verbose_name = _("declaration staging row")
        verbose_name_plural = _("declaration staging rows")
        default_permissions = ()

    def __str__(self):
        return f"#{self.run_id}:{self.row_no}"


class Declaration(DeclarationFigures):
    """One employer × employee × month line of a tax declaration."""

    employer = models.ForeignKey(
        Organisation,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="tax_declarations",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tax_declarations",
        help_text=_("Empty when the IIN is not in the registry."),
    )
    import_run = models.ForeignKey(
        DeclarationImportRun,
        verbose_name=_("import run"),
        on_delete=models.PROTECT,
        related_name="declarations",
    )
    row_no = models.PositiveIntegerField(_("row in the file"))

    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "employer__region"

    class Meta:
        verbose_name = _("declaration line")
        verbose_name_plural = _("declaration lines")
        ordering = ["-period", "employer_bin", "iin"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer_bin", "iin", "period"], name="declaration_natural_key"
            ),
            models.CheckConstraint(condition=models.Q(period__day=1), name="declaration_period_1st"),
        ]
        indexes = [
            models.Index(fields=["period", "employer_bin"], name="declaration_period_bin_idx"),
            models.Index(fields=["person", "period"], name="declaration_person_period_idx"),
            models.Index(fields=["import_run"], name="declaration_run_idx"),
            models.Index(
                fields=["period"],
                condition=models.Q(person__isnull=True),
                name="declaration_no_person_idx",
            ),
        ]

    def __str__(self):
        return f"{self.employer_bin} · {self.iin} · {self.period:%m.%Y}"
