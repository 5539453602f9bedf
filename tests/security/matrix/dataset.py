"""The matrix's shared dataset: users of every role, rows of every model in two regions.

Built once per test module inside an outer transaction (``shared_dataset``) that is rolled
back when the module ends; each test runs in a savepoint inside it, as usual.
"""

import html
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import transaction

from osms.core.roles import ANALYST, AUDITOR, COMMISSION_MEMBER, HQ_OPERATOR, REGIONAL_OPERATOR
from osms.core.scoping import is_region_scoped

from .factories import Rows, purchasing_tree

OWN, OTHER = "750000000", "710000000"  # Almaty, Astana
SENTINEL_FIELDS = ("iin", "bin", "name", "full_name", "number", "employer_bin", "payer_code",
                   "document_no", "username")

# (key, region: "own" or None for head office, roles, every permission?)
USERS = [
    ("hq_operator", None, [HQ_OPERATOR], False),
    ("regional_operator", "own", [REGIONAL_OPERATOR], False),
    ("commission_member", "own", [COMMISSION_MEMBER], False),
    ("analyst", "own", [ANALYST], False),
    ("auditor", None, [AUDITOR], False),
    ("no_group", "own", [], False),
    # Every model permission, confined to Almaty: only the region stops it.
    ("regional_all_permissions", "own", [], True),
]
REGIONAL_USERS = [key for key, where, _r, _a in USERS if where == "own"]


def project_models():
    from osms.core.roles import PROJECT_APPS

    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]


def region_models():
    """Region-owned models. The regions themselves are reference data every user may read
    (their ``region_lookup`` narrows foreign-key choices), so they are not among them."""
    return [m for m in project_models()
            if is_region_scoped(m) and m._meta.label_lower != "core.region"]


@dataclass
class Dataset:
    regions: dict
    users: dict
    rows: dict  # {(model, "own"|"other"|None): instance}
    failures: dict
    sentinels: dict = field(default_factory=dict)  # {"own"|"other": {text}}

    def row(self, model, where):
        if model._meta.label_lower == "core.region":
            return self.regions["own"]
        if is_region_scoped(model):
            return self.rows.get((model, where))
        return self.rows.get((model, None))

    def leaks(self, content, where="other"):
        """Sentinels of ``where``'s rows found in a response body."""
        text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
        return sorted(s for s in self.sentinels[where] if s in text or html.escape(s) in text)


def _user(key, region, roles, everything):
    from tests.factories import UserFactory

    user = UserFactory(username=f"matrix_{key}", region=region, roles=roles)
    if everything:
        user.user_permissions.set(Permission.objects.filter(
            content_type__app_label__in={m._meta.app_label for m in project_models()}))
    return user


def _sentinels(dataset, where):
    found = set()
    for model in region_models():
        lookup = {model.region_lookup: dataset.regions[where].pk}
        for obj in model._base_manager.filter(**lookup)[:50]:
            for name in SENTINEL_FIELDS:
                value = getattr(obj, name, None)
                if isinstance(value, str) and len(value) >= 6:
                    found.add(value)
    return found


def build():
    from osms.core.models import Region

    regions = {"own": Region.objects.get(kato=OWN), "other": Region.objects.get(kato=OTHER)}
    users = {key: _user(key, regions["own"] if where else None, roles, everything)
             for key, where, roles, everything in USERS}
    purchasing_tree(regions["own"], "mxo")
    purchasing_tree(regions["other"], "mxa")
    rows, maker = {}, Rows()
    for model in region_models():
        for where in ("own", "other"):
            rows[(model, where)] = maker.get(model, regions[where])
    for model in admin.site._registry:
        if model not in region_models():
            rows[(model, None)] = maker.get(model, None)
    dataset = Dataset(regions, users, rows, maker.failures)
    own, other = _sentinels(dataset, "own"), _sentinels(dataset, "other")
    dataset.sentinels = {"own": own - other, "other": other - own}
    return dataset


def shared_dataset(django_db_blocker):
    """Generator for a module-scoped fixture: the dataset lives for the module."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
