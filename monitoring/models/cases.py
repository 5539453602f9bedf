"""Case records from providers, their import runs, control runs and per-rule verdicts.

One ``Case`` per treated inpatient case or outpatient service, unique by (provider, the
provider's case number): loading the same case again is a no-op. Cases are bulk rows
written set-based (``monitoring.importer``, ``monitoring.control``): each names the run
that loaded it; the control writes its decision (``CaseDecision``: the outcome, the
funding source, the expected amount, the risk) and one ``CaseVerdict`` per failed rule (a
rule in force for the run and without a verdict row passed).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from osms.core.models import Region
from osms.core.runs import ImportRunBase, RejectBase
from osms.core.scoping import RegionScopedQuerySet

MONEY = {"max_digits": 14, "decimal_places": 2}


class ProviderAccount(models.Model):
    """A user who acts for a provider (its API token sees and submits that provider's
    cases only)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                                on_delete=models.CASCADE, related_name="provider_account")
    provider = models.ForeignKey("purchasing.Provider", verbose_name=_("provider"),
                                 on_delete=models.CASCADE, related_name="+")

    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "provider__region"

    class Meta:
        verbose_name = _("provider account")
        verbose_name_plural = _("provider accounts")

    def __str__(self):
        return f"{self.user} → {self.provider_id}"


class CaseImportRun(ImportRunBase):
    provider = models.ForeignKey("purchasing.Provider", verbose_name=_("only for provider"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    cases_new = models.BigIntegerField(_("new cases"), default=0)
    cases_repeated = models.BigIntegerField(_("cases already loaded"), default=0)

    class Meta(ImportRunBase.Meta):
        verbose_name = _("case import run")
        verbose_name_plural = _("case import runs")
        permissions = [("start_caseimportrun", _("Can load a case file"))]


class CaseReject(RejectBase):
    run = models.ForeignKey(CaseImportRun, on_delete=models.CASCADE, related_name="rejects")

    class Meta(RejectBase.Meta):
        verbose_name = _("rejected case row")
        verbose_name_plural = _("rejected case rows")


class ControlRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed, nothing changed")

    period = models.DateField(_("month"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.RUNNING)
    rules = models.JSONField(_("rules in force"), default=list, blank=True)
    cases = models.BigIntegerField(_("cases"), default=0)
    accepted = models.BigIntegerField(_("accepted"), default=0)
    rejected = models.BigIntegerField(_("rejected"), default=0)
    to_review = models.BigIntegerField(_("sent to review"), default=0)
    seconds = models.FloatField(_("duration, s"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("control run")
        verbose_name_plural = _("control runs")
        ordering = ["-id"]
        permissions = [("start_controlrun", _("Can run the control of a month"))]

    def __str__(self):
        return f"{self.period:%m.%Y} #{self.pk} ({self.get_status_display()})"


class Outcome(models.TextChoices):
    PENDING = "pending", _("Not controlled yet")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    REVIEW = "review", _("Sent to expert review")


class Case(models.Model):
    class Form(models.TextChoices):
        PLANNED = "planned", _("planned")
        EMERGENCY = "emergency", _("emergency")

    # Indexes are few on purpose (every one costs the import; the control no longer rewrites
    # cases, its decision is a CaseDecision row):
    # provider is the head of the unique key, contract_item of case_item_idx; the patient's
    # ИИН has a hash index (case_iin_idx, made by migration 0009 on PostgreSQL, not
    # declared here), case_number and iin the collation "C" there.
    # On PostgreSQL the references of cases and their services are checked by statement-level
    # triggers, not per-row deferred foreign keys (migration 0007): an import of a million
    # cases spent minutes of its COMMIT in those checks.
    provider = models.ForeignKey("purchasing.Provider", verbose_name=_("provider"),
                                 on_delete=models.PROTECT, related_name="+", db_index=False,
                                 db_constraint=False)
    # no index of its own: twenty values, a region's cases are a twentieth of a month (its
    # readers go by the month's index and filter; every index costs the import)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="+", db_constraint=False, db_index=False)
    case_number = models.CharField(_("provider's case number"), max_length=40)
    contract_item = models.ForeignKey("purchasing.ContractItem", verbose_name=_("contract item"),
                                      null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", db_index=False, db_constraint=False)
    care_type = models.ForeignKey("packages.CareType", verbose_name=_("type of care"),
                                  on_delete=models.PROTECT, related_name="+", db_index=False,
                                  db_constraint=False)
    is_inpatient = models.BooleanField(_("inpatient"))
    form = models.CharField(_("planned or emergency"), max_length=10, choices=Form.choices)
    iin = models.CharField(_("patient IIN"), max_length=12)
    person = models.ForeignKey("payers.Person", verbose_name=_("patient"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+",
                               db_constraint=False, db_index=False)
    icd10 = models.CharField(_("main diagnosis (ICD-10)"), max_length=10)
    icd10_secondary = models.CharField(_("secondary diagnoses"), max_length=200, blank=True)
    kzg_code = models.CharField(_("КЗГ"), max_length=20, blank=True)
    severity = models.PositiveSmallIntegerField(_("severity level"), null=True, blank=True)
    bed_profile = models.CharField(_("bed-day profile"), max_length=40, blank=True)
    admitted_on = models.DateField(_("admitted on"), null=True, blank=True)
    discharged_on = models.DateField(_("discharged on"), null=True, blank=True)
    service_date = models.DateField(
        _("service date"), help_text=_("Outpatient: the day of the service; inpatient: the "
                                       "day of admission."))
    period = models.DateField(_("month"), help_text=_("The month the case is paid in: of the "
                                                      "service, or of the discharge."))
    tariff = models.DecimalField(_("tariff applied"), **MONEY)
    amount_claimed = models.DecimalField(_("amount claimed"), **MONEY)
    submitted_on = models.DateField(_("submitted on"))
    import_run = models.ForeignKey(CaseImportRun, verbose_name=_("loaded by"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+",
                                   db_constraint=False, db_index=False)

    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "region"

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-period", "provider", "case_number"]
        constraints = [models.UniqueConstraint(fields=["provider", "case_number"],
                                               name="case_provider_number")]
        indexes = [models.Index(fields=["period", "provider"], name="case_period_idx"),
                   models.Index(fields=["contract_item", "period"], name="case_item_idx")]

    def __str__(self):
        return f"{self.case_number} ({self.iin})"

    # The control's decision is a row of ``CaseDecision`` (none: not controlled yet); these
    # read it (``selectors.decided`` loads it with the cases).
    def _decision(self):
        try:
            return self.decision
        except CaseDecision.DoesNotExist:
            return None

    @property
    def outcome(self):
        decision = self._decision()
        return decision.outcome if decision else Outcome.PENDING

    def get_outcome_display(self):
        return Outcome(self.outcome).label

    @property
    def funding_source(self):
        decision = self._decision()
        return decision.funding_source if decision else ""

    @property
    def amount_expected(self):
        decision = self._decision()
        return decision.amount_expected if decision else None

    @property
    def risk_score(self):
        decision = self._decision()
        return decision.risk_score if decision else Decimal("0")

    @property
    def risk_reasons(self):
        decision = self._decision()
        return list(decision.risk_reasons or []) if decision else []

    @property
    def payable(self):
        expected = self.amount_expected
        return expected if expected is not None else self.amount_claimed


class CaseDecision(models.Model):
    """The control's decision on a case: outcome, funding source, amount by the tariff, risk.

    A table of its own, narrow and keyed by the case, so that the control of a month is one
    ``INSERT … SELECT`` of the month's decisions (the previous ones of the re-decided cases
    deleted first) instead of an ``UPDATE`` rewriting every wide case row of the month.
    Written set-based by ``monitoring.control`` (and by the review services for one case);
    read through ``monitoring.selectors``. The reference to the case is not a database
    foreign key (a month's insert would queue a row-level check per case): the control
    inserts only cases it read under the month's lock, and a case with services cannot be
    deleted (migration 0007); the ORM deletes a case's decision with the case.
    """

    case = models.OneToOneField(Case, verbose_name=_("case"), primary_key=True,
                                on_delete=models.CASCADE, related_name="decision",
                                db_constraint=False)
    period = models.DateField(_("month"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices,
                               default=Outcome.PENDING)
    funding_source = models.CharField(_("funding source"), max_length=10, blank=True)
    amount_expected = models.DecimalField(_("amount by the tariff"), null=True, blank=True,
                                          **MONEY)
    risk_score = models.DecimalField(_("risk score"), max_digits=8, decimal_places=2,
                                     default=0)
    risk_reasons = models.JSONField(_("risk reasons"), default=list, blank=True)
    control_run = models.ForeignKey(ControlRun, verbose_name=_("controlled by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+",
                                    db_constraint=False, db_index=False)

    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "case__region"

    class Meta:
        verbose_name = _("control decision")
        verbose_name_plural = _("control decisions")
        indexes = [models.Index(fields=["period", "outcome"], name="decision_period_idx")]

    def __str__(self):
        return f"{self.case_id}: {self.outcome}"


class CaseService(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="services", db_constraint=False)
    code = models.CharField(_("service code"), max_length=30)
    quantity = models.PositiveIntegerField(_("quantity"))

    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "case__region"

    class Meta:
        verbose_name = _("case service")
        verbose_name_plural = _("case services")

    def __str__(self):
        return f"{self.code} × {self.quantity}"


class CaseVerdict(models.Model):
    """A rule the case failed in a control run, with what was found."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="verdicts")
    rule_code = models.CharField(_("rule"), max_length=30)
    severity = models.CharField(_("severity"), max_length=10)
    detail = models.CharField(_("found"), max_length=300, blank=True)
    run = models.ForeignKey(ControlRun, verbose_name=_("control run"), on_delete=models.CASCADE,
                            related_name="+", db_constraint=False)

    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "case__region"

    class Meta:
        verbose_name = _("control verdict")
        verbose_name_plural = _("control verdicts")
        indexes = [models.Index(fields=["case"], name="verdict_case_idx")]

    def __str__(self):
        return f"{self.case_id}: {self.rule_code}"
