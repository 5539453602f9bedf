"""Computed statuses: the current row per person, its history, and the job's runs.

These tables are written set-based by ``coverage.recompute`` (no per-row
history triggers); each row names the run that wrote it.

Their references to persons and runs are not database foreign keys
(``db_constraint=False``): the job writes them only for persons and the run it has
just read in the same transaction, persons are never deleted (a death date is
recorded instead; Django still cascades an ORM delete) and runs are never deleted
(read-only in the admin). A foreign key would add a deferred per-row check that
also locks the person row: 3.0 s more per 200 000 history rows (measured: 4.0 s
against 1.0 s), i.e. about 15 s per million rows of each table on a first run.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from osms.core.formatting import day
from osms.core.periods import month_start
from osms.core.scoping import RegionScopedQuerySet

from .fields import BitStringField, IdArrayField


class Basis(models.TextChoices):
    PAYMENTS = "payments", _("contributions paid")
    PREPAYMENT = "prepayment", _("prepaid months")
    GRACE = "grace", _("grace after the last paid month")
    RETENTION = "retention", _("retention after 60 continuous months")
    BENEFIT_CATEGORY = "benefit_category", _("benefit category (republican budget)")
    LOCAL_BUDGET = "local_budget", _("local budget")


class RecomputeRun(models.Model):
    class Mode(models.TextChoices):
        FULL = "full", _("full")
        INCREMENTAL = "incremental", _("incremental")

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")

    on = models.DateField(_("status date"))
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices)
    status = models.CharField(_("state"), max_length=10, choices=Status.choices,
                              default=Status.RUNNING)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    duration_seconds = models.FloatField(_("duration, s"), null=True, blank=True)
    payment_watermark = models.BigIntegerField(
        _("payments up to id"), default=0,
        help_text=_("Payments up to this id are folded into the paid months; the next run "
                    "folds those above it."),
    )
    person_watermark = models.BigIntegerField(_("persons up to id"), default=0)
    folded_payments = models.BigIntegerField(
        _("payments folded"), default=0,
        help_text=_("Ledger rows folded into the paid months when the run started."),
    )
    fold_seconds = models.FloatField(_("fold, s"), default=0)
    rebuilt = models.BooleanField(
        _("ledger folded anew"), default=False,
        help_text=_("The run folded the whole ledger again (the first run, or a full rebuild)."),
    )
    since = models.DateTimeField(
        _("changes since"), null=True, blank=True,
        help_text=_("Memberships and persons changed after this moment are recomputed."),
    )
    changes_until = models.DateTimeField(
        _("changes up to"), null=True, blank=True,
        help_text=_("Memberships and persons changed up to this moment were committed when "
                    "the run opened; the next run looks at the changes after it."),
    )
    previous_on = models.DateField(_("previous status date"), null=True, blank=True)
    chunks_total = models.PositiveIntegerField(_("chunks"), default=0)
    chunks_done = models.PositiveIntegerField(_("chunks done"), default=0)
    persons = models.PositiveIntegerField(_("persons recomputed"), default=0)
    changed = models.PositiveIntegerField(_("statuses changed"), default=0)
    transitions = models.JSONField(_("transitions"), default=dict, blank=True)
    acting_user = models.ForeignKey(
        "core.User", verbose_name=_("started by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("status recomputation run")
        verbose_name_plural = _("status recomputation runs")
        # Starting a run is a job over the whole population (coverage.roles).
        permissions = [("start_recomputerun", _("Can start a status recomputation"))]
        ordering = ["-id"]

    def __str__(self):
        return f"{day(self.on)} {self.get_mode_display()} ({self.get_status_display()})"

    @property
    def progress(self):
        return f"{self.chunks_done}/{self.chunks_total}"


class RecomputeChunk(models.Model):
    """A person-id range of a run; a worker claims it and finishes it in one transaction."""

    run = models.ForeignKey(RecomputeRun, on_delete=models.CASCADE, related_name="chunks")
    lo = models.BigIntegerField(_("from person id"))
    hi = models.BigIntegerField(_("to person id (exclusive)"))
    person_ids = IdArrayField(
        _("persons"), null=True, blank=True, editable=False,
        help_text=_("Incremental run: the persons to recompute (cleared when done). "
                    "Empty: every person of the id range."),
    )
    # (person, month index) pairs of new payments, folded by this chunk (coverage.fold)
    fold_person_ids = IdArrayField(_("persons with new payments"), null=True, blank=True,
                                   editable=False)
    fold_months = IdArrayField(_("months of new payments"), null=True, blank=True,
                               editable=False)
    fold_flags = IdArrayField(_("what the new payments say"), null=True, blank=True,
                              editable=False)  # see recompute_sql.NEW_PAIRS
    # what touched each listed person (recompute_sql.TOUCHED): 1 the registry, 2 memberships
    person_sources = IdArrayField(
        _("what touched the persons"), null=True, blank=True, editable=False,
        help_text=_("Incremental run: for each listed person, whether the registry (1) or "
                    "their memberships (2) changed since the previous run (cleared when done)."),
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    persons = models.PositiveIntegerField(_("persons"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    transitions = models.JSONField(_("transitions"), default=dict, blank=True)

    class Meta:
        verbose_name = _("run chunk")
        verbose_name_plural = _("run chunks")
        ordering = ["run", "lo"]
        indexes = [models.Index(fields=["run", "done_at"], name="chunk_run_done_idx")]

    def __str__(self):
        return f"{self.run_id}: [{self.lo}, {self.hi})"


class PaidBits(models.Model):
    """Paid months as bit strings: bit k (k = 0 first) is month ``first_month`` + k.

    Month index = year × 12 + month − 1. A bit of ``paid`` is set when the net sum of
    the person's own contributions for that month is > 0 (penalties and budget
    payments left out, reversals subtracted); the same bit of ``prepaid`` when the
    month is paid and its first positive payment came before the month began, and of
    ``booked`` when the month has any such row at all (so that a new payment for a
    month without one needs no look at the ledger). Maintained by ``coverage.fold``.
    """

    first_month = models.IntegerField(_("month of the first bit"), null=True, blank=True,
                                      editable=False)
    paid = BitStringField(_("paid months"), null=True, blank=True, editable=False)
    prepaid = BitStringField(_("prepaid months"), null=True, blank=True, editable=False)
    booked = BitStringField(_("months with payments"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def _dates(self, bits):
        return [month_start(self.first_month + k)
                for k, bit in enumerate(bits or "") if bit == "1"]

    def months(self):
        """The paid months as first-of-month dates."""
        return self._dates(self.paid)

    def prepaid_months(self):
        return self._dates(self.prepaid)

    def booked_months(self):
        return self._dates(self.booked)


class CoverageStatus(PaidBits):
    """The status of a person on the date of the last run that touched them, and their
    paid months (the run's input for the next time: one row read and written per person)."""

    person = models.OneToOneField(
        "payers.Person", verbose_name=_("person"), primary_key=True, on_delete=models.CASCADE,
        related_name="coverage_status", db_constraint=False,  # see the module docstring
    )
    as_of = models.DateField(_("as of"), help_text=_("Date of the run that last changed the row."))
    insured = models.BooleanField(_("insured"))
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    category_code = models.CharField(_("deciding category"), max_length=40, blank=True)
    last_paid_period = models.DateField(_("last paid month"), null=True, blank=True)
    recheck_on = models.DateField(
        _("recheck on"), null=True, blank=True,
        help_text=_("The first date the status may change without new data."),
    )
    run = models.ForeignKey(RecomputeRun, verbose_name=_("run"), on_delete=models.PROTECT,
                            related_name="+", db_constraint=False, db_index=False)
    # What the decision read besides the status row, kept so that an incremental run
    # need not read it again for a person touched only by payments or a recheck: the
    # registry facts (read anew for a person new or changed in the registry since the
    # previous run, found by the registry's history rows), and whether a membership was in
    # force (if none was and none changed, started or was deleted since, none is now:
    # the memberships are not read). A full run reads everything and rewrites these.
    held_membership = models.BooleanField(
        _("had a membership in force (as decided)"), default=True, db_default=True,
        editable=False)
    birth_date = models.DateField(_("birth date (as decided)"), null=True, blank=True,
                                  editable=False)
    citizenship = models.CharField(_("citizenship (as decided)"), max_length=20, blank=True,
                                   db_default="", editable=False)
    death_date = models.DateField(_("date of death (as decided)"), null=True, blank=True,
                                  editable=False)

    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "person__region"

    class Meta:
        verbose_name = _("coverage status")
        verbose_name_plural = _("coverage statuses")
        indexes = [
            models.Index(fields=["recheck_on"], name="status_recheck_idx"),
            models.Index(fields=["insured", "valid_until"], name="status_until_idx"),
        ]

    def __str__(self):
        return f"{self.person_id}: {self.basis or '—'}"


class CoverageHistory(models.Model):
    """A change of status, basis or valid-until, written by a run."""

    # history_person_idx (person, changed_on) serves lookups by person: no second index
    person = models.ForeignKey(
        "payers.Person", verbose_name=_("person"), on_delete=models.CASCADE,
        related_name="coverage_history", db_constraint=False, db_index=False,
    )
    changed_on = models.DateField(_("changed on"))
    old_insured = models.BooleanField(_("was insured"), null=True)
    old_basis = models.CharField(_("old basis"), max_length=20, choices=Basis.choices,
                                 blank=True)
    old_valid_until = models.DateField(_("old valid until"), null=True)
    insured = models.BooleanField(_("insured"))
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices, blank=True)
    valid_until = models.DateField(_("valid until"), null=True)
    reason = models.CharField(_("reason"), max_length=60)
    run = models.ForeignKey(RecomputeRun, verbose_name=_("run"), on_delete=models.PROTECT,
                            related_name="+", db_constraint=False, db_index=False)

    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "person__region"

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        ordering = ["person", "-changed_on", "-id"]
        indexes = [models.Index(fields=["person", "changed_on"], name="history_person_idx")]

    def __str__(self):
        return f"{self.person.iin} {day(self.changed_on)}: {self.reason}"


class PaidMonths(PaidBits):
    """The whole ledger folded by a rebuild run, read by that run's chunks, then emptied.

    A run that folds the ledger from its start (the first run, ``--rebuild``) writes
    every person's bits here in one pass; each chunk then takes the bits of its
    persons from here instead of from their status rows (``coverage.recompute_sql``),
    and the finished run empties the table. Between runs the bits live in
    ``CoverageStatus``, the row each run reads and writes anyway.
    """

    person = models.OneToOneField("payers.Person", primary_key=True, on_delete=models.CASCADE,
                                  related_name="+", db_constraint=False)

    class Meta:
        verbose_name = _("paid months")
        verbose_name_plural = _("paid months")

    def __str__(self):
        return f"{self.person_id}: {len(self.months())} paid months"
