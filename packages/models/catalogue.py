"""The care catalogue: forms and types of medical care (Code on health, art. 118–134).

Each type has a stable ``code`` that other apps (purchasing, tariffs, claims)
reference; names are kept in Russian, Kazakh and English.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CareForm(models.TextChoices):
    """The group a care type belongs to (forms of medical care)."""

    EMERGENCY = "emergency", _("Emergency care")
    OUTPATIENT = "outpatient", _("Outpatient care")
    HOSPITAL_REPLACING = "hospital_replacing", _("Hospital-replacing care")
    INPATIENT = "inpatient", _("Inpatient care")
    REHABILITATION = "rehabilitation", _("Medical rehabilitation")
    PALLIATIVE = "palliative", _("Palliative care")
    DRUGS = "drugs", _("Drug provision")
    OTHER = "other", _("Other kinds of care")


class CareType(models.Model):
    """A type of medical care the package can cover, e.g. ``phc`` or ``high_tech``."""

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Stable identifier used by the API and by other apps; never change it."),
    )
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    form = models.CharField(_("form of care"), max_length=20, choices=CareForm.choices)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive types are kept for history only.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("type of care")
        verbose_name_plural = _("types of care")

    def __str__(self):
        return self.name

    @property
    def name(self):
        lang = (get_language() or "ru")[:2]
        return getattr(self, f"name_{lang}", None) or self.name_ru
