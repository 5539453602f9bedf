"""How numbers, money, rates, durations and estimates read in the operator's language.

The formats themselves are Django's per-language formats (``osms/formats``): a
non-breaking space between thousands and a decimal comma in Russian and Kazakh. These
helpers add what a format module cannot say: ₸ with two decimals, a rate as a percentage,
a duration as «1 мин 04 с», an estimate as «≈ 263 000». Templates use them through
``{% load osms_format %}`` (``|money``, ``|rate``, ``|duration``, ``|estimate``, ``|number``).
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import gettext as _

NBSP = "\xa0"


def _decimal(value):
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number(value, places=None):
    """1 045 500 or, with ``places``, 1 045 500,00 (grouped in the active language)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    if places is None and amount == amount.to_integral_value():
        places = 0
    elif places is None:
        amount = amount.normalize()  # 0.350 → 0,35
    return formats.number_format(amount, places, use_l10n=True, force_grouping=True)


def money(value, places=2):
    """«1 045 500,00 ₸»: two decimals, thousands grouped, the tenge sign after a
    non-breaking space."""
    text = number(value, places)
    return f"{text}{NBSP}₸" if text else ""


def rate(value):
    """A share stored as a fraction (0.0200) read as a percentage: «2 %», «3,5 %»."""
    share = _decimal(value)
    if share is None:
        return ""
    percent = (share * 100).normalize()
    places = max(0, -percent.as_tuple().exponent)
    return f"{number(percent, min(places, 2))}{NBSP}%"


def duration(value):
    """«1 мин 04 с», «2 ч 05 мин», «0 с»: hours, minutes and seconds of a timedelta or of
    a number of seconds."""
    if value is None:
        return ""
    seconds = int(round(value.total_seconds() if isinstance(value, datetime.timedelta)
                        else float(value)))
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)d min %(s)02d s") % {"m": minutes, "s": seconds}
    return _("%(s)d s") % {"s": seconds}


def estimate(value, exact=True):
    """A count as read: exact (263 112) or, when the database only estimated it, rounded to
    three significant digits after «≈» (≈ 263 000)."""
    if value is None:
        return ""
    if exact:
        return number(value)
    value = int(value)
    digits = len(str(abs(value)))
    rounded = round(value, -max(0, digits - 3)) if digits > 3 else value
    return f"≈{NBSP}{number(rounded)}"


def day(value):
    """A date as дд.мм.гггг (the language's short date format); empty for None."""
    if value is None:
        return ""
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def moment(value):
    """A date and time as дд.мм.гггг ЧЧ:ММ in local time (24-hour); empty for None."""
    if value is None:
        return ""
    from django.utils import timezone

    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATETIME_FORMAT")
