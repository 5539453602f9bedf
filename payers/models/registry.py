"""People, organisations, registered activities and employment (docs/domain.md §1–2)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from osms.core import bounds
from osms.core.changes import ChangeLocked
from osms.core.dated import RegionScopedDatedQuerySet
from osms.core.models import Region
from osms.core.scoping import RegionScopedQuerySet

from ..validators import iin_problem, parse_iin, validate_bin_or_iin, validate_iin


class Citizenship(models.TextChoices):
    """Residency status decides ГОБМП/ОСМС rights (law art. 5; docs/domain.md §5)."""

    CITIZEN = "citizen", _("Citizen of Kazakhstan")
    KANDAS = "kandas", _("Kandas")
    FOREIGN_PERMANENT = "foreign_permanent", _("Foreigner, permanent resident")
    FOREIGN_TEMPORARY = "foreign_temporary", _("Foreigner, temporary resident")
    STATELESS = "stateless", _("Stateless person, permanent resident")


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Person(ChangeLocked, models.Model):
    """A person identified by ИИН; birth date and sex are derived from it."""

    change_lock_name = "registry"  # jobs read the persons changed since their last run

    iin = models.CharField(_("IIN"), max_length=12, unique=True, validators=[validate_iin])
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"), editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, editable=False)
    citizenship = models.CharField(
        _("citizenship / residency"),
        max_length=20,
        choices=Citizenship.choices,
        default=Citizenship.CITIZEN,
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="persons",
        help_text=_("Region of permanent registration."),
    )
    death_date = models.DateField(_("date of death"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "region"

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["region", "-id"], name="person_region_id_idx"),
            models.Index(
                fields=["last_name", "first_name"],
                name="person_name_idx",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["birth_date"], name="person_birth_date_idx"),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.iin})"

    def save(self, *args, **kwargs):
        self.derive_from_iin()
        super().save(*args, **kwargs)

    @property
    def full_name(self):
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    def derive_from_iin(self):
        """Set birth date and sex from the ИИН (no-op while the ИИН is invalid)."""
        if self.iin and not iin_problem(self.iin):
            facts = parse_iin(self.iin)
            self.birth_date, self.sex = facts.birth_date, facts.sex

    def unique_error_message(self, model_class, unique_check):
        """A repeated ИИН names the region the person is registered in and who to ask
        (the form, the API and the services all show this message)."""
        if model_class is Person and tuple(unique_check) == ("iin",):
            other = (Person._base_manager.filter(iin=self.iin).exclude(pk=self.pk)
                     .select_related("region").first())
            if other is not None:
                return ValidationError(duplicate_iin_message(other), code="unique")
        return super().unique_error_message(model_class, unique_check)

    def clean(self):
        super().clean()
        self.derive_from_iin()
        errors = {}
        if self.birth_date and self.birth_date > bounds.today():
            errors["iin"] = _("The IIN encodes a birth date in the future (%(day)s).") % {
                "day": self.birth_date.strftime("%d.%m.%Y")}
        death = bounds.date_problem(self.death_date, label=_("The date of death"),
                                    not_future=True)
        if death:
            errors["death_date"] = death
        elif self.death_date and self.birth_date and self.death_date < self.birth_date:
            errors["death_date"] = _("The date of death is before the birth date in the IIN.")
        if errors:
            raise ValidationError(errors)


def duplicate_iin_message(person):
    """«ИИН уже существует», the region the person is registered in and who to ask."""
    return _("A person with this IIN already exists: registered in the region «%(region)s». "
             "Ask the head-office operators or the branch of «%(region)s» to transfer the "
             "person to your region, or use «Request a transfer».") % {
        "region": person.region.name}


class Organisation(models.Model):
    """An employer, state body, provider, platform… identified by БИН (or ИИН for an ИП)."""

    class Kind(models.TextChoices):
        EMPLOYER = "employer", _("Employer")
        STATE_BODY = "state_body", _("State body")
        PROVIDER = "provider", _("Health care provider")
        PLATFORM = "platform", _("Online platform")
        INDIVIDUAL_ENTREPRENEUR = "individual_entrepreneur", _("Individual entrepreneur")
        PARTNER = "partner", _("Data partner")
        OTHER = "other", _("Other")

    bin = models.CharField(
        _("BIN"),
        max_length=12,
        unique=True,
        validators=[validate_bin_or_iin],
        help_text=_("Business identification number; an individual entrepreneur uses the IIN."),
    )
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.EMPLOYER)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="organisations"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "region"

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["region", "kind"], name="organisation_region_kind_idx"),
            models.Index(
                fields=["name"], name="organisation_name_idx", opclasses=["varchar_pattern_ops"]
            ),
            # The list's order (by name): the prefix index above cannot serve ORDER BY.
            models.Index(fields=["name", "id"], name="organisation_name_order_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.bin})"


class ActivityKind(models.TextChoices):
    """Self-employed payer kinds paying a fixed 5 % of 1.4 МЗП (law art. 28)."""

    INDIVIDUAL_ENTREPRENEUR = "individual_entrepreneur", _("Individual entrepreneur")
    NOTARY = "notary", _("Private notary")
    BAILIFF = "bailiff", _("Private bailiff")
    LAWYER = "lawyer", _("Lawyer")
    MEDIATOR = "mediator", _("Professional mediator")


class TaxRegime(models.TextChoices):
    GENERAL = "general", _("General regime")
    SIMPLIFIED = "simplified", _("Simplified declaration")
    PATENT = "patent", _("Patent")
    RETAIL = "retail", _("Retail tax")
    SELF_EMPLOYED = "self_employed", _("Self-employed (special mobile app regime)")
    AGRICULTURAL = "agricultural", _("Agricultural producers")


class Activity(ChangeLocked, models.Model):
    """A person's registered activity as ИП or private practitioner, with dates."""

    change_lock_name = "registry"  # the arrears job reads the activities changed since

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    tax_regime = models.CharField(_("tax regime"), max_length=20, choices=TaxRegime.choices)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    history = HistoricalRecords()
    objects = RegionScopedDatedQuerySet.as_manager()
    region_lookup = "person__region"
    # Interval rows of osms.core.dated under their own names.
    valid_from_field = "started_on"
    valid_to_field = "ended_on"

    class Meta:
        verbose_name = _("registered activity")
        verbose_name_plural = _("registered activities")
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="activity_dates_ordered",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.person.full_name}"

    def clean(self):
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The end date is before the start date.")})


class Employment(models.Model):
    """An employee's work for an employer (who withholds 122 and pays 121)."""

    employer = models.ForeignKey(
        Organisation,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="employments",
    )
    employee = models.ForeignKey(
        Person, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="employments"
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    history = HistoricalRecords()
    objects = RegionScopedDatedQuerySet.as_manager()
    region_lookup = "employee__region"
    # Interval rows of osms.core.dated under their own names.
    valid_from_field = "started_on"
    valid_to_field = "ended_on"

    class Meta:
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        ordering = ["-started_on"]
        indexes = [models.Index(fields=["employer", "started_on"], name="employment_employer_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="employment_dates_ordered",
            )
        ]

    def __str__(self):
        return f"{self.employee.full_name} @ {self.employer.name}"

    def clean(self):
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The end date is before the start date.")})
