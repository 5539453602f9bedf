"""Plausible ranges for dates and lengths, used by every model, form, API and importer.

A value outside them is refused with the reason, never stored and never silently cut:
a payment dated 0001-01-01, a membership to 9999-12-31 or starting in 2099, a death date
in the future, a 5 000-character document. The limits are deliberately wide (they catch
typing and file errors, not policy); policy limits (prepayment months, deadlines) are
effective-dated data of their apps.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .periods import add_years

# The earliest date a record of the Fund can carry: contributions started 1 July 2017, but
# registry facts (births, memberships granted earlier, old declarations) go back further.
EARLIEST_RECORD_DATE = datetime.date(1900, 1, 1)
# The first period a payment of ОСМС can be for (Law № 405-V: deductions from 1 July 2017;
# earlier "payments" are typing errors). Files still carry the odd pre-2017 period: refused.
EARLIEST_PAYMENT_DATE = datetime.date(2017, 1, 1)
# How far ahead a planned end (of a membership, a contract, a validity) may lie.
MAX_YEARS_AHEAD = 50
# How far ahead a start may lie (a membership or a rule decided in advance).
MAX_START_YEARS_AHEAD = 2
# Free text kept with a record (documents, reasons, notes) and file fields.
MAX_TEXT = 300
MAX_LONG_TEXT = 4000


def today():
    return timezone.localdate()


def date_problem(value, *, label, earliest=EARLIEST_RECORD_DATE, not_future=False,
                 years_ahead=MAX_YEARS_AHEAD):
    """The reason ``value`` is not a plausible date for ``label``, or None."""
    if value is None:
        return None
    if value < earliest:
        return _("%(label)s %(value)s is before %(earliest)s.") % {
            "label": label, "value": value.strftime("%d.%m.%Y"),
            "earliest": earliest.strftime("%d.%m.%Y")}
    now = today()
    if not_future and value > now:
        return _("%(label)s %(value)s is in the future.") % {
            "label": label, "value": value.strftime("%d.%m.%Y")}
    limit = add_years(now, years_ahead)
    if value > limit:
        return _("%(label)s %(value)s is more than %(years)s years ahead.") % {
            "label": label, "value": value.strftime("%d.%m.%Y"), "years": years_ahead}
    return None


def check_date(field, value, **kwargs):
    """Raise ``ValidationError({field: reason})`` when ``date_problem`` finds one."""
    problem = date_problem(value, **kwargs)
    if problem:
        raise ValidationError({field: problem})


def text_problem(value, *, label, max_length=MAX_TEXT):
    if value is not None and len(value) > max_length:
        return _("%(label)s is %(length)s characters long; at most %(max)s are allowed.") % {
            "label": label, "length": len(value), "max": max_length}
    return None


def year_problem(value, *, label, earliest=EARLIEST_PAYMENT_DATE.year,
                 years_ahead=MAX_START_YEARS_AHEAD):
    """The reason ``value`` is not a plausible year (a plan, a capacity, a contract), or None."""
    if value is None:
        return None
    latest = today().year + years_ahead
    if not earliest <= value <= latest:
        return _("%(label)s %(value)s is not between %(earliest)s and %(latest)s.") % {
            "label": label, "value": value, "earliest": earliest, "latest": latest}
    return None


def check_fields(obj, *, dates=None, years=None, texts=None):
    """Raise ``ValidationError({field: reason, …})`` for every field of the model instance
    ``obj`` out of its bounds (call it from the model's ``clean``; the field's verbose name
    is the label).

    ``dates``/``years``: {field name: keyword arguments of ``date_problem``/``year_problem``
    (``{}`` for the defaults)}; ``texts``: {field name: maximum length}.
    """
    def label(name):
        return capfirst(obj._meta.get_field(name).verbose_name)

    errors = {}
    for name, kwargs in (dates or {}).items():
        problem = date_problem(getattr(obj, name), label=label(name), **kwargs)
        if problem:
            errors[name] = problem
    for name, kwargs in (years or {}).items():
        problem = year_problem(getattr(obj, name), label=label(name), **kwargs)
        if problem:
            errors[name] = problem
    for name, max_length in (texts or {}).items():
        problem = text_problem(getattr(obj, name), label=label(name), max_length=max_length)
        if problem:
            errors[name] = problem
    if errors:
        raise ValidationError(errors)
