"""The one region-scoping mechanism (NetBox's ``RestrictedQuerySet`` idea).

``queryset.for_user(user, action)`` returns only the rows the user may act on:
- no model permission for the action → nothing;
- head office (no region) or superuser → everything;
- a regional user → rows whose ``Model.region_lookup`` is the user's region (or, for a
  model with ``region_scope(user, region_id)``, the rows that ``Q`` selects).

The admin bases (``osms.core.admin_mixins``), the API base viewset (``osms.core.api``)
and the selectors all call this, so a rule changed here changes everywhere.
"""

from django.db import models

ACTIONS = ("view", "add", "change", "delete")


def permission_codename(model, action):
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def user_region_id(user):
    """The region a user is confined to, or None for head office."""
    if user is None or not user.is_authenticated or user.is_superuser:
        return None
    return getattr(user, "region_id", None)


def is_region_scoped(model):
    return hasattr(model, "region_lookup")


def user_has_model_permission(user, model, action):
    """The model permission for ``action``; "view" is implied by "change", as in the admin."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm(permission_codename(model, action)):
        return True
    return action == "view" and user.has_perm(permission_codename(model, "change"))


def scope_queryset(queryset, user, action="view", *, permission_of=None):
    """Filter any queryset of a region-owned model to what ``user`` may ``action``.

    ``permission_of`` names another model whose permission gates the rows (the status
    check shows persons to whoever may view coverage statuses, in their region).
    """
    model = queryset.model
    if not user_has_model_permission(user, permission_of or model, action):
        return queryset.none()
    region_id = user_region_id(user)
    if region_id is None or not is_region_scoped(model):
        return queryset
    scope = getattr(model, "region_scope", None)  # a Q of its own (rows seen from two regions)
    if scope is not None:
        return queryset.filter(scope(user, region_id))
    return queryset.filter(**{model.region_lookup: region_id})


def object_in_scope(obj, user, action="view"):
    """Is this saved object within the user's scope for the action?"""
    manager = type(obj)._base_manager
    return scope_queryset(manager.filter(pk=obj.pk), user, action).exists()


def object_region_id(obj):
    """Follow ``region_lookup`` on an unsaved or saved instance (None if unknown)."""
    target = obj
    parts = obj.region_lookup.split("__")
    if parts == ["pk"]:
        return obj.pk
    for part in parts[:-1]:
        target = getattr(target, part, None)
        if target is None:
            return None
    return getattr(target, f"{parts[-1]}_id", None)


class RegionScopedQuerySet(models.QuerySet):
    def for_user(self, user, action="view", *, permission_of=None):
        return scope_queryset(self, user, action, permission_of=permission_of)
