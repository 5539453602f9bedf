"""One translator of service errors for every caller: admin messages, form errors, DRF answers.

Services raise Django's ``ValidationError`` (bad input, with the field when there is one),
``PermissionDenied`` (scope or role) and let ``ProtectedError`` through (a row other rows
still refer to). Each caller shows them its own way, always with the same text:

- the admin: ``admin_call(request, service, success_message, **kwargs)`` → a message;
- a form: ``form_call(form, service, **kwargs)`` → errors on the form's fields;
- the API: nothing to do, ``drf_exception_handler`` (settings ``EXCEPTION_HANDLER``) turns
  them into 400 / 403 / 409 answers naming the field.
"""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_default_handler

SERVICE_ERRORS = (ValidationError, PermissionDenied, ProtectedError, RestrictedError)


def protected_message(exc):
    """What still refers to the row, in words ("3 payments refer to it")."""
    objects = list(getattr(exc, "protected_objects", None) or
                   getattr(exc, "restricted_objects", None) or [])
    if not objects:
        return _("Other records still refer to this one; it cannot be deleted.")
    names = sorted({str(type(obj)._meta.verbose_name_plural) for obj in objects})
    return _("It cannot be deleted: %(count)s records refer to it (%(kinds)s).") % {
        "count": len(objects), "kinds": ", ".join(names)}


def error_messages(exc):
    """Flat, readable lines of a service error: "field: message" where there is a field."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return [msg if field == NON_FIELD_ERRORS else f"{field}: {msg}"
                    for field, errors in exc.message_dict.items() for msg in errors]
        return list(exc.messages)
    if isinstance(exc, ProtectedError | RestrictedError):
        return [protected_message(exc)]
    return [str(exc) or _("You have no permission to do this.")]


def error_text(exc):
    return "; ".join(error_messages(exc))


def admin_call(request, func, success_message=None, **kwargs):
    """Call a service from an admin view; a service error becomes an error message (None)."""
    try:
        result = func(**kwargs)
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
        return None
    if success_message:
        messages.success(request, success_message)
    return result


def add_form_errors(form, exc):
    """Put a service error on the form: each field's messages under that field if it has one."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
        return
    form.add_error(None, error_text(exc))


def form_call(form, func, **kwargs):
    """Call a service for a bound, valid form; errors land on the form and None is returned."""
    try:
        return func(**kwargs)
    except SERVICE_ERRORS as exc:
        add_form_errors(form, exc)
        return None


def to_drf(exc):
    """The DRF exception for a service error (400 with fields, 403, or 409)."""
    if isinstance(exc, ValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return drf_exceptions.ValidationError(detail)
    if isinstance(exc, PermissionDenied):
        return drf_exceptions.PermissionDenied(str(exc) or None)
    conflict = drf_exceptions.APIException(protected_message(exc))
    conflict.status_code = status.HTTP_409_CONFLICT
    return conflict


def drf_exception_handler(exc, context):
    """DRF's handler, plus Django's service errors answered as 400 / 403 / 409, never 500."""
    if isinstance(exc, ValidationError | ProtectedError | RestrictedError):
        exc = to_drf(exc)
    response = drf_default_handler(exc, context)
    if response is None and isinstance(exc, drf_exceptions.APIException):
        return Response({"detail": exc.detail}, status=exc.status_code)
    return response
