from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayersConfig(AppConfig):
    name = "payers"
    label = "payers"
    verbose_name = _("Payers and contributions")
