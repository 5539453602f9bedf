"""Tariff file imports: one run per file (all rows or none), its rejected rows."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from osms.core.runs import ImportRunBase, RejectBase


class TariffImportRun(ImportRunBase):
    """One tariff file of one kind, checked and merged set-based in the background."""

    class Kind(models.TextChoices):
        PHC_NORM = "phc_norm", _("PHC per-capita norms")
        PHC_COEFFICIENT = "phc_coefficient", _("PHC correction coefficients")
        CASE_RATE = "case_rate", _("КЗГ case rates")
        SERVICE_PRICE = "service_price", _("service prices")
        BED_DAY = "bed_day", _("bed-day rates")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    dry_run = models.BooleanField(_("check only"), default=False)
    inserted = models.BigIntegerField(_("new"), default=0)
    updated = models.BigIntegerField(_("changed"), default=0)
    unchanged = models.BigIntegerField(_("unchanged"), default=0)

    class Meta(ImportRunBase.Meta):
        verbose_name = _("tariff import run")
        verbose_name_plural = _("tariff import runs")


class TariffImportReject(RejectBase):
    run = models.ForeignKey(TariffImportRun, verbose_name=_("import run"),
                            on_delete=models.CASCADE, related_name="rejects")

    class Meta(RejectBase.Meta):
        verbose_name = _("rejected tariff row")
        verbose_name_plural = _("rejected tariff rows")
