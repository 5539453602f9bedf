"""The checks every write service makes: may this user act on this row, and the write.

``require_scope`` answers "may ``user`` ``action`` this row?" (the model permission and the
region, through the one scoping mechanism in ``osms.core.scoping``); ``save_audited`` is the
one way a service saves an operator-edited row: validated, with the acting user and the
reason in its history, and re-checked to be inside the user's region *after* the write, in
the caller's transaction (NetBox's pattern: a row is never written into another region).
``update_audited`` / ``delete_audited`` are the whole lock-check-write of a change and of a
delete, for services that change a row's fields or remove it.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from .scoping import object_in_scope, user_has_model_permission


def require_scope(obj, user, action):
    """Raise ``PermissionDenied`` unless ``user`` may ``action`` ``obj``.

    ``user`` None means a system job (a command, a nightly task): always allowed.
    For an unsaved object only the model permission is checked (``save_audited`` checks
    its region once it is written).
    """
    if user is None:
        return
    if not user_has_model_permission(user, type(obj), action):
        raise PermissionDenied(_("You have no permission to do this."))
    if obj.pk is not None and not object_in_scope(obj, user, action):
        raise PermissionDenied(_("You may only act on records of your own region."))


def save_audited(obj, *, acting_user, action, reason="", validate=True):
    """Validate, save with history user and reason, then re-check the region scope.

    Call inside the service's transaction: a row saved outside the acting user's region
    raises ``PermissionDenied`` and the transaction rolls the write back.
    """
    with transaction.atomic():
        if validate:
            obj.full_clean()
        obj._history_user = acting_user
        if reason:
            obj._change_reason = reason
        obj.save()
        if acting_user is not None and not object_in_scope(obj, acting_user, action):
            raise PermissionDenied(_("You may only write records of your own region."))
    return obj


def lock_for_change(model, pk, *, acting_user, action="change"):
    """The row ``pk`` locked for the rest of the transaction, after the scope check."""
    obj = model._default_manager.select_for_update().get(pk=pk)
    require_scope(obj, acting_user, action)
    return obj


def update_audited(model, pk, *, acting_user, changes, reason=""):
    """Lock row ``pk`` (scope checked), set the fields of ``changes`` that differ and save it
    audited; nothing is written (no history row) when none differ. Returns the row."""
    obj = lock_for_change(model, pk, acting_user=acting_user)
    changed = {field: value for field, value in changes.items() if getattr(obj, field) != value}
    if not changed:
        return obj
    for field, value in changed.items():
        setattr(obj, field, value)
    return save_audited(obj, acting_user=acting_user, action="change", reason=reason)


def delete_audited(model, pk, *, acting_user, reason=""):
    """Lock row ``pk`` (delete permission and scope checked) and delete it with the acting
    user and reason in its history. ``ProtectedError`` when other rows still refer to it."""
    with transaction.atomic():
        obj = lock_for_change(model, pk, acting_user=acting_user, action="delete")
        obj._history_user = acting_user
        if reason:
            obj._change_reason = reason
        obj.delete()
    return obj
