"""Roles as Django groups, kept in sync with what each app declares.

Each project app may have a ``roles.py`` with ``ROLE_PERMISSIONS``: a mapping
role → {"app_label.model_name": "view,add,change,delete" or extra codenames}.
After every ``migrate`` the groups are rebuilt from those declarations, so
permissions live next to the models they guard. The auditor role sees every
model of the project apps read-only, whatever the apps declare.
"""

from importlib import import_module

from django.apps import apps
from django.utils.translation import gettext_lazy as _

HQ_OPERATOR = "HQ operator"
REGIONAL_OPERATOR = "Regional operator"
COMMISSION_MEMBER = "Commission member"
ANALYST = "Analyst"
AUDITOR = "Auditor"
EXPERT = "Expert"
PROVIDER = "Provider"

ROLES = {
    HQ_OPERATOR: _("Head-office operator: every region, full editing"),
    REGIONAL_OPERATOR: _("Regional branch operator: own region only"),
    COMMISSION_MEMBER: _("Regional purchase commission member: own region only"),
    ANALYST: _("Analyst: read and export"),
    AUDITOR: _("Auditor: read-only, every model and its history"),
    EXPERT: _("Expert of quality review: own region's review worklist"),
    PROVIDER: _("Provider: its own cases through the API"),
}

# The groups keep their English names (permissions and fixtures refer to them); an operator
# reads the role in their language (``Group.__str__``, installed by osms.core.apps).
ROLE_NAMES = {
    HQ_OPERATOR: _("HQ operator"),
    REGIONAL_OPERATOR: _("Regional operator"),
    COMMISSION_MEMBER: _("Commission member"),
    ANALYST: _("Analyst"),
    AUDITOR: _("Auditor"),
    EXPERT: _("Expert"),
    PROVIDER: _("Provider"),
}


def role_name(group):
    return str(ROLE_NAMES.get(group.name, group.name))


PROJECT_APPS = (
    "core", "exports", "payers", "coverage", "packages", "purchasing", "reconciliation",
    "monitoring",
)


def declared_permissions():
    """Collect {role: {(app_label, codename), …}} from every project app's roles.py."""
    result = {role: set() for role in ROLES}
    for config in apps.get_app_configs():
        if config.label not in PROJECT_APPS:
            continue
        try:
            module = import_module(f"{config.name}.roles")
        except ModuleNotFoundError:
            continue
        for role, models in getattr(module, "ROLE_PERMISSIONS", {}).items():
            for model_key, actions in models.items():
                app_label, model_name = model_key.split(".")
                for action in actions.split(","):
                    action = action.strip()
                    codename = (
                        f"{action}_{model_name}"
                        if action in ("view", "add", "change", "delete")
                        else action
                    )
                    result[role].add((app_label, codename))
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS:
            result[AUDITOR].add((model._meta.app_label, f"view_{model._meta.model_name}"))
    return result


def sync_role_groups(*, using="default"):
    """Create or update the role groups; returns {role: number of permissions}."""
    from django.contrib.auth.models import Group, Permission

    counts = {}
    for role, wanted in declared_permissions().items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        perms = []
        for app_label, codename in sorted(wanted):
            perm = (
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if perm is not None:
                perms.append(perm)
        group.permissions.set(perms)
        counts[role] = len(perms)
    return counts


def sync_role_groups_after_migrate(sender, using="default", **kwargs):
    """Run once per ``migrate``: after the last app, when every permission exists."""
    if sender.label == list(apps.get_app_configs())[-1].label:
        sync_role_groups(using=using)


ROLE_PERMISSIONS = {
    role: {"core.region": "view"} for role in (HQ_OPERATOR, REGIONAL_OPERATOR, COMMISSION_MEMBER, ANALYST)
}
ROLE_PERMISSIONS[HQ_OPERATOR]["core.user"] = "view"
# Head office watches the scheduled jobs (failed and stuck runs on the dashboard).
ROLE_PERMISSIONS[HQ_OPERATOR]["core.jobrun"] = "view"
