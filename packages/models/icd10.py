"""The WHO ICD-10 classification (2019): chapters, blocks, categories, subcategories."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Icd10Code(models.Model):
    """One node of ICD-10, loaded by ``manage.py load_icd10``."""

    class Kind(models.TextChoices):
        CHAPTER = "chapter", _("Chapter")
        BLOCK = "block", _("Block")
        CATEGORY = "category", _("Category")
        SUBCATEGORY = "subcategory", _("Subcategory")

    code = models.CharField(_("code"), max_length=10, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="children",
    )
    name_en = models.CharField(_("name (English)"), max_length=400)
    name_ru = models.CharField(_("name (Russian)"), max_length=400, blank=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=400, blank=True)
    sort_key = models.CharField(
        _("sort key"), max_length=12, db_index=True,
        help_text=_("The code without its dot, used to match code ranges."),
    )
    position = models.PositiveIntegerField(_("position in the classification"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("ICD-10 code")
        verbose_name_plural = _("ICD-10 codes")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def name(self):
        lang = (get_language() or "ru")[:2]
        return getattr(self, f"name_{lang}", None) or self.name_ru or self.name_en
