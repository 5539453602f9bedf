"""Registry file imports (persons, organisations): one run per file, its rejected rows.

The run keeps the uploading operator's region: a regional operator's file may only add or
change rows of that region, and the run and its rejects are seen in that region only.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from osms.core.models import Region
from osms.core.runs import ImportRunBase, RejectBase
from osms.core.scoping import RegionScopedQuerySet


class RegistryImportRun(ImportRunBase):
    """One persons or organisations file, loaded set-based in the background."""

    class Kind(models.TextChoices):
        PERSONS = "persons", _("persons")
        ORGANISATIONS = "organisations", _("organisations")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The uploading operator's region: rows of other regions are refused. "
                    "Empty for the head office."))
    inserted = models.BigIntegerField(_("new"), default=0)
    updated = models.BigIntegerField(_("changed"), default=0)
    unchanged = models.BigIntegerField(_("unchanged"), default=0)

    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "region"

    class Meta(ImportRunBase.Meta):
        verbose_name = _("registry import run")
        verbose_name_plural = _("registry import runs")


class RegistryImportReject(RejectBase):
    run = models.ForeignKey(RegistryImportRun, verbose_name=_("import run"),
                            on_delete=models.CASCADE, related_name="rejects")

    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "run__region"

    class Meta(RejectBase.Meta):
        verbose_name = _("rejected registry row")
        verbose_name_plural = _("rejected registry rows")
