from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "osms.core"
    label = "core"
    verbose_name = _("Reference data and access")

    def ready(self):
        from django.contrib.auth.models import Group

        from . import jobs, logmask, memo, roles  # noqa: F401  (memo: its invalidation signals)

        Group.__str__ = roles.role_name  # role names in the operator's language
        jobs.connect_signals()
        logmask.install_record_factory()

        post_migrate.connect(roles.sync_role_groups_after_migrate)
