from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReconciliationConfig(AppConfig):
    name = "reconciliation"
    label = "reconciliation"
    verbose_name = _("Reconciliation with tax data")

    def ready(self):
        from payers.arrears import OBLIGATION_SOURCES

        from .obligations import declared_obligations

        if declared_obligations not in OBLIGATION_SOURCES:
            OBLIGATION_SOURCES.append(declared_obligations)
