"""Disease lists and effective-dated package versions with their ordered rules.

A ``PackageVersion`` (the 2025 state with its two packages, the 2026 unified
package, …) holds ``PackageRule`` rows tried in ``order``: the first rule whose
care type, condition (any, or a disease list) and entitlement match decides the
funding source. Everything here is data an operator edits in the admin.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from osms.core.dated import EffectiveDated, EffectiveDatedQuerySet, dates_ordered

from ..icd10 import Icd10FormatError, format_ranges, in_ranges, parse_ranges
from .catalogue import CareType

RULE = _("rule")
ANY_CONDITION = _("any condition")


class _Named(models.Model):
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self):
        lang = (get_language() or "ru")[:2]
        return getattr(self, f"name_{lang}", None) or self.name_ru


class FundingSource(models.TextChoices):
    GOBMP = "GOBMP", _("ГОБМП (guaranteed volume, state budget)")
    OSMS = "OSMS", _("ОСМС (insurance)")


class Entitlement(models.TextChoices):
    """Who a rule serves (law art. 5; Code on health art. 83)."""

    EVERYONE = "everyone", _("Everyone, including the uninsured and foreigners")
    RESIDENTS = "residents", _("Citizens, kandases and permanent residents")
    CITIZENS_KANDASES = "citizens_kandases", _("Citizens and kandases")
    INSURED = "insured", _("Insured persons only")


class DiseaseList(_Named):
    """A named set of diseases (items, each a set of ICD-10 code ranges)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    source = models.TextField(
        _("source"), blank=True, help_text=_("The legal act the list comes from.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("disease list")
        verbose_name_plural = _("disease lists")

    def matching_item(self, code):
        """The first item whose ranges contain the normalised code, or None."""
        for item in self.items.all():
            if item.contains(code):
                return item
        return None


class DiseaseListItem(_Named):
    """One disease (group) of a list, e.g. «Arterial hypertension: I10-I15»."""

    disease_list = models.ForeignKey(
        DiseaseList, verbose_name=_("disease list"), on_delete=models.CASCADE,
        related_name="items",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    code = models.SlugField(
        _("disease code"), max_length=60,
        help_text=_("Stable across list versions, so versions can be compared."),
    )
    icd10_ranges = models.CharField(
        _("ICD-10 ranges"), max_length=500,
        help_text=_("Codes or inclusive ranges separated by ';', e.g. I10-I15; I20-I25."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["disease_list", "number"]
        verbose_name = _("disease list item")
        verbose_name_plural = _("disease list items")
        constraints = [
            models.UniqueConstraint(fields=["disease_list", "code"], name="diseaseitem_code_uniq"),
            models.UniqueConstraint(fields=["disease_list", "number"], name="diseaseitem_no_uniq"),
        ]

    @property
    def ranges(self):
        return parse_ranges(self.icd10_ranges)

    def contains(self, code):
        return in_ranges(code, self.ranges)

    def clean(self):
        super().clean()
        try:
            self.icd10_ranges = format_ranges(parse_ranges(self.icd10_ranges))
        except Icd10FormatError as exc:
            raise ValidationError({"icd10_ranges": str(exc)}) from exc


class PackageVersionQuerySet(EffectiveDatedQuerySet):
    def overlapping(self, row):
        """Only published versions must not overlap; a draft may cover any dates."""
        if not row.is_published:
            return self.none()
        return super().overlapping(row).filter(is_published=True)


class PackageVersion(EffectiveDated, _Named):
    """The package in force over a period; published versions must not overlap."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    is_published = models.BooleanField(
        _("published"), default=False,
        help_text=_("Only published versions answer eligibility checks."),
    )

    objects = PackageVersionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("package version")
        verbose_name_plural = _("package versions")
        # Publishing changes every eligibility answer from its date (packages.roles).
        permissions = [("publish_packageversion", _("Can publish and withdraw package versions"))]
        constraints = [dates_ordered("packageversion_dates_ordered")]


class PackageRule(models.Model):
    """One line of a package: care type × condition → funding source, for whom."""

    version = models.ForeignKey(
        PackageVersion, verbose_name=_("package version"), on_delete=models.CASCADE,
        related_name="rules",
    )
    order = models.PositiveSmallIntegerField(_("order"), help_text=_("Rules are tried in order."))
    care_type = models.ForeignKey(
        CareType, verbose_name=_("type of care"), on_delete=models.PROTECT, related_name="rules"
    )
    disease_list = models.ForeignKey(
        DiseaseList, verbose_name=_("disease list"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="rules",
        help_text=_("Empty: any condition."),
    )
    funding_source = models.CharField(
        _("funding source"), max_length=5, choices=FundingSource.choices
    )
    entitlement = models.CharField(_("entitled"), max_length=20, choices=Entitlement.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("package rule")
        verbose_name_plural = _("package rules")
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="packagerule_order_uniq"),
        ]

    def __str__(self):
        # Read by an operator (the eligibility trace, the package page): names, not codes;
        # the codes are on the rule's own page.
        scope = self.disease_list.name if self.disease_list_id else ANY_CONDITION
        return (f"{RULE} {self.order}: {self.care_type.name} ({scope}) → "
                f"{self.get_funding_source_display()}")

    @property
    def code_line(self):
        """The rule in codes, for a tooltip and API clients."""
        scope = self.disease_list.code if self.disease_list_id else "*"
        return f"#{self.order} {self.care_type.code} [{scope}] → {self.funding_source}"
