from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "coverage"
    label = "coverage"
    verbose_name = _("Coverage")

    def ready(self):
        from . import stored  # noqa: F401  (the rulebook memo's invalidation signals)
