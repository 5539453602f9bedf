"""Regions, users bound to a region, and the one region-scoping mechanism.

A region-owned model uses ``RegionScopedQuerySet`` as its manager and names
the lookup that reaches its region in ``region_lookup`` (``"region"``,
``"employee__region"``, …). Admin, API and selectors all call
``.for_user(user, action)``: see ``osms/core/scoping.py``.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .scoping import RegionScopedQuerySet


class Region(models.Model):
    """An oblast or a city of republican significance, keyed by its КАТО code."""

    class Kind(models.TextChoices):
        OBLAST = "oblast", _("Oblast")
        CITY = "city", _("City of republican significance")

    kato = models.CharField(_("KATO code"), max_length=9, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    center = models.CharField(_("administrative centre"), max_length=100, blank=True)
    population = models.PositiveIntegerField(
        _("population"), default=0, help_text=_("Used to weight the demo population.")
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)

    history = HistoricalRecords()
    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "pk"

    class Meta:
        ordering = ["kato"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    @property
    def name(self):
        lang = (get_language() or "ru")[:2]
        return getattr(self, f"name_{lang}", None) or self.name_ru


class User(AbstractUser):
    """A Fund employee. ``region`` empty means head office (sees every region)."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("Leave empty for head-office users, who see every region."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_head_office(self):
        return self.is_superuser or self.region_id is None


# Operations: the personal-data access log (osms/core/access_log.py) and the job runs
# the health check reads (osms/core/jobs.py).
from .access_log import ExportedPersons, PersonalDataAccess  # noqa: E402, F401
from .jobs import JobRun  # noqa: E402, F401
