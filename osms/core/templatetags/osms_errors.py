"""``{{ error|public_error }}``: what an operator may read of an exception.

A validation error (ours: ``ValidationError``, ``ValueError`` with a translated message)
is shown as it is; anything else (``OSError`` with a server path, a database error, a bug)
becomes a generic sentence, and its traceback goes to the log.
"""

import logging

from django import template
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

register = template.Library()
logger = logging.getLogger("osms.errors")


@register.filter
def public_error(error):
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    if isinstance(error, ValueError) and not isinstance(error, UnicodeError):
        return str(error)
    if isinstance(error, UnicodeError):
        return _("The file is not in the expected text encoding (UTF-8).")
    logger.error("error hidden from the page", exc_info=error)
    return _("The file could not be processed because of an internal error; it has been "
             "logged for the administrators.")
