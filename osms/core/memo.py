"""Process-local memos of small, rarely edited data, dropped in every worker when it changes.

Imported by ``CoreConfig.ready`` (its signals), so only once every model is loaded.

A hot read path (the status API) should not read the same policy rows or the same user's
permissions on every call. ``ProcessMemo`` keeps computed values in the worker's memory;
an edit of the data it depends on (a model signal, see ``invalidate_on``) empties the
memo of the editing process at once and bumps a generation number in the shared cache
(Redis in production), which every other worker compares at most every ``check_every``
seconds: an operator's edit is seen everywhere within that time. Values also expire after
``max_age`` seconds, for writes that send no signal (raw SQL, data migrations).
"""

import threading
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

_MEMOS: dict[str, "ProcessMemo"] = {}


class ProcessMemo:
    def __init__(self, name, *, check_every=1.0, max_age=300.0, max_entries=10_000):
        self.name = name
        self.key = f"osms:memo:{name}:generation"
        self.check_every = check_every
        self.max_age = max_age
        self.max_entries = max_entries
        self._values: dict = {}
        self._generation = None
        self._checked = 0.0
        self._lock = threading.Lock()
        _MEMOS[name] = self

    def _shared_generation(self):
        try:
            return cache.get(self.key, 0)
        except Exception:  # a cache outage must not stop the reads: recompute instead
            return None

    def _fresh(self, now):
        if now - self._checked < self.check_every:
            return
        generation = self._shared_generation()
        with self._lock:
            if generation is None or generation != self._generation:
                self._values.clear()
            self._generation = generation
            self._checked = now

    def get(self, key, compute):
        """The memoised value of ``key``, computing it with ``compute()`` when absent."""
        now = time.monotonic()
        self._fresh(now)
        found = self._values.get(key)
        if found is not None and now - found[0] < self.max_age:
            return found[1]
        value = compute()
        with self._lock:
            if len(self._values) >= self.max_entries:
                self._values.clear()
            self._values[key] = (now, value)
        return value

    def invalidate(self, **_signal_kwargs):
        """Forget every value here and in the other workers (the shared generation moves)."""
        with self._lock:
            self._values.clear()
            self._checked = 0.0
        try:
            try:
                cache.incr(self.key)
            except ValueError:
                cache.set(self.key, 1, None)
        except Exception:
            pass  # the other workers see the edit after ``max_age``

    def clear(self):
        """Forget this process's values only (tests: a rolled-back edit sends no signal)."""
        with self._lock:
            self._values.clear()
            self._generation = None
            self._checked = 0.0


def invalidate_on(memo, *models, m2m=()):
    """Invalidate ``memo`` whenever a row of ``models`` is saved or deleted, or a
    many-to-many relation of ``m2m`` (through models) changes."""
    for model in models:
        post_save.connect(memo.invalidate, sender=model, weak=False,
                          dispatch_uid=f"memo-{memo.name}-save-{model._meta.label}")
        post_delete.connect(memo.invalidate, sender=model, weak=False,
                            dispatch_uid=f"memo-{memo.name}-delete-{model._meta.label}")
    for through in m2m:
        m2m_changed.connect(memo.invalidate, sender=through, weak=False,
                            dispatch_uid=f"memo-{memo.name}-m2m-{through._meta.label}")


def clear_all():
    for memo in _MEMOS.values():
        memo.clear()


# --- The permissions of a user, for API permission classes on hot paths --------------
PERMISSIONS = ProcessMemo("permissions")
_User = get_user_model()
invalidate_on(PERMISSIONS, _User, Group,
              m2m=(_User.groups.through, _User.user_permissions.through,
                   Group.permissions.through))


def user_has_perm(user, perm):
    """``user.has_perm(perm)`` from the memo: no query once the user's set is known.

    Active superusers have every permission; the set of any other user is read once per
    worker and dropped when a user, a group or a permission assignment changes.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return perm in PERMISSIONS.get(user.pk, lambda: _read_permissions(user))


def _read_permissions(user):
    # the auth backend caches the sets on the user object, which may itself be memoised
    for name in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(name, None)
    return frozenset(user.get_all_permissions())


# --- API tokens: the token's user without a query on every call ------------------------
TOKENS = ProcessMemo("api-tokens", max_age=60.0)
invalidate_on(TOKENS, Token, _User, Group,
              m2m=(_User.groups.through, _User.user_permissions.through,
                   Group.permissions.through))


class MemoTokenAuthentication(TokenAuthentication):
    """DRF's ``TokenAuthentication`` with the (user, token) pair from ``TOKENS``: a token
    deleted or a user changed (deactivated, say) is dropped in every worker within a
    second (at once in the worker that made the change)."""

    def authenticate_credentials(self, key):
        parent = super().authenticate_credentials
        return TOKENS.get(key, lambda: parent(key))


class MemoTokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI scheme of ``MemoTokenAuthentication``: the same ``Authorization: Token …``
    header as DRF's, under its own name (two classes may not share one component)."""

    target_class = MemoTokenAuthentication
    name = "partnerTokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization",
                                                   token_prefix=self.target.keyword)
