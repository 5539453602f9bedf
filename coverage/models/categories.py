"""Benefit categories as effective-dated data, and who belongs to them (docs/domain.md §4).

A category (``BenefitCategory``) is the stable identity ("children", "pensioners");
its legal terms (``CategoryTerm``) say, for an interval of dates, whether it is
in the law at all, which budget pays, which partner system confirms it and which
documents prove it. A membership gives a person a category for a date interval.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from osms.core import bounds
from osms.core.changes import ChangeLocked
from osms.core.dated import EffectiveDatedQuerySet, dates_ordered
from osms.core.formatting import day
from osms.core.runs import import_upload_path
from osms.core.scoping import RegionScopedQuerySet


class PayerBudget(models.TextChoices):
    REPUBLICAN = "republican", _("Republican budget")
    LOCAL = "local_budget", _("Local budget (akimat)")


class Partner(models.TextChoices):
    LABOUR_IS = "labour_is", _("Ministry of Labour and Social Protection IS")
    STATE_CORPORATION = "state_corporation", _("State Corporation «Government for Citizens»")
    DERIVED = "derived", _("Derived from the IIN (no partner file)")


class BenefitCategory(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    age_limit_years = models.PositiveSmallIntegerField(
        _("derived until age"),
        null=True,
        blank=True,
        help_text=_("Members are derived from the IIN birth date until this birthday "
                    "(children: 18). Empty: members come from partner files only."),
    )
    position = models.PositiveSmallIntegerField(_("order in the law"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("benefit category")
        verbose_name_plural = _("benefit categories")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        from django.utils.translation import get_language

        lang = (get_language() or "ru")[:2]
        return getattr(self, f"name_{lang}", None) or self.name_ru


class CategoryTerm(models.Model):
    """The category as the law had it between two dates."""

    category = models.ForeignKey(
        BenefitCategory, verbose_name=_("category"), on_delete=models.CASCADE,
        related_name="terms",
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    payer = models.CharField(_("paid by"), max_length=20, choices=PayerBudget.choices)
    partner = models.CharField(_("confirmed by"), max_length=30, choices=Partner.choices)
    documents = models.TextField(_("documents"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    effective_key = ("category",)
    objects = EffectiveDatedQuerySet.as_manager()  # interval rows (osms.core.dated)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("category term")
        verbose_name_plural = _("category terms")
        ordering = ["category", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["category", "valid_from"], name="category_term_unique"),
            dates_ordered("category_term_dates_ordered"),
        ]

    def __str__(self):
        end = day(self.valid_to) or "…"
        return f"{self.category} {day(self.valid_from)}–{end} ({self.get_payer_display()})"

    def clean(self):
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date is before the start date.")})
        if not self.category_id or not self.valid_from:
            return
        if CategoryTerm.objects.overlapping(self).exists():
            raise ValidationError(_("This interval overlaps another term of the category."))


class MembershipSource(models.TextChoices):
    FEED = "feed", _("Partner feed file")
    OPERATOR = "operator", _("Entered by an operator")
    TEMPORARY = "temporary", _("Temporary status while the record is checked")


class CategoryFeedRun(models.Model):
    """One partner file loaded into memberships: idempotent by the file's SHA-256."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    partner = models.CharField(_("partner"), max_length=30, choices=Partner.choices)
    file_name = models.CharField(_("file name"), max_length=300)
    # An admin upload, kept for the worker (osms.core.uploads: private, never served).
    file = models.FileField(_("file"), upload_to=import_upload_path, blank=True, max_length=300)
    phase = models.CharField(_("phase"), max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.RUNNING)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_loaded = models.PositiveIntegerField(_("rows loaded"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("rows already known"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    error = models.TextField(_("error"), blank=True)
    acting_user = models.ForeignKey(
        "core.User", verbose_name=_("loaded by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("category feed run")
        verbose_name_plural = _("category feed runs")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"


class CategoryFeedReject(models.Model):
    run = models.ForeignKey(CategoryFeedRun, on_delete=models.CASCADE, related_name="rejects")
    row_number = models.PositiveIntegerField(_("row"))
    field = models.CharField(_("field"), max_length=40)
    reason = models.TextField(_("reason"))
    raw = models.TextField(_("row as read"), blank=True)

    class Meta:
        verbose_name = _("rejected feed row")
        verbose_name_plural = _("rejected feed rows")
        ordering = ["run", "row_number"]

    def __str__(self):
        return f"#{self.row_number} {self.field}: {self.reason}"


class CategoryMembership(ChangeLocked, models.Model):
    change_lock_name = "memberships"  # the nightly run reads what changed since the last

    person = models.ForeignKey(
        "payers.Person", verbose_name=_("person"), on_delete=models.CASCADE,
        related_name="category_memberships",
    )
    category = models.ForeignKey(
        BenefitCategory, verbose_name=_("category"), on_delete=models.PROTECT,
        related_name="memberships",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=MembershipSource.choices,
                              default=MembershipSource.FEED)
    document = models.CharField(
        _("document"), max_length=300, blank=True,
        help_text=_("The document that proves the category (required for a temporary status)."),
    )
    feed_run = models.ForeignKey(
        CategoryFeedRun, verbose_name=_("feed run"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="memberships",
    )
    changed_at = models.DateTimeField(_("changed"), auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["changed_at"])
    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "person__region"

    class Meta:
        verbose_name = _("category membership")
        verbose_name_plural = _("category memberships")
        ordering = ["-starts_on"]
        indexes = [
            models.Index(fields=["person", "starts_on"], name="membership_person_idx"),
            models.Index(fields=["starts_on"], name="membership_starts_idx"),
            models.Index(fields=["ends_on"], name="membership_ends_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "category", "starts_on"], name="membership_unique_start"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="membership_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.category}: {day(self.starts_on)}–{day(self.ends_on) or '…'}"

    def clean(self):
        # An operator's or a service's entry: dates within plausible bounds
        # (osms.core.bounds); partner feeds check their rows without ``full_clean``.
        errors = {}
        for field, label, years_ahead in (
                ("starts_on", _("The start date"), bounds.MAX_START_YEARS_AHEAD),
                ("ends_on", _("The end date"), bounds.MAX_YEARS_AHEAD)):
            problem = bounds.date_problem(getattr(self, field), label=label,
                                          years_ahead=years_ahead)
            if problem:
                errors[field] = problem
        if errors:
            raise ValidationError(errors)
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date is before the start date.")})
        if self.source == MembershipSource.TEMPORARY and not self.document.strip():
            raise ValidationError({"document": _("A temporary status needs the document noted.")})
