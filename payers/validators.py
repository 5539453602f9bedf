"""ИИН and БИН: structure and check digit (Government decree № 406 of 22.05.2007).

Pure functions: ``iin_problem``/``bin_problem`` return the reason a number is
invalid (or None), ``parse_iin`` returns the birth date and sex it encodes.
Django validators wrap them for model fields and forms.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FIRST_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
# 7th digit of an ИИН → (century, sex)
CENTURY_SEX = {
    "1": (1800, "M"),
    "2": (1800, "F"),
    "3": (1900, "M"),
    "4": (1900, "F"),
    "5": (2000, "M"),
    "6": (2000, "F"),
}
BIN_TYPES = {"4", "5", "6"}  # resident, non-resident legal entity, IE in joint form
BIN_ATTRIBUTES = {"0", "1", "2", "3"}  # head office, branch, representative, peasant farm


def check_digit(first11):
    """The 12th digit for 11 digits, or None when both passes give 10 (number unusable)."""
    digits = [int(c) for c in first11]
    value = sum(w * d for w, d in zip(FIRST_WEIGHTS, digits, strict=True)) % 11
    if value == 10:
        value = sum(w * d for w, d in zip(SECOND_WEIGHTS, digits, strict=True)) % 11
        if value == 10:
            return None
    return value


@dataclass(frozen=True)
class IinFacts:
    birth_date: datetime.date
    sex: str  # "M" or "F"


def _format_problem(value, label):
    if not isinstance(value, str):
        return _("%(label)s must be a string of 12 digits.") % {"label": label}
    if len(value) != 12:
        return _("%(label)s must have 12 digits, got %(n)d.") % {"label": label, "n": len(value)}
    if not value.isascii() or not value.isdigit():
        return _("%(label)s must contain digits only.") % {"label": label}
    return None


def _check_digit_problem(value, label):
    expected = check_digit(value[:11])
    if expected is None:
        return _("%(label)s is not valid: no check digit exists for its first 11 digits.") % {
            "label": label
        }
    if int(value[11]) != expected:
        return _("%(label)s check digit is wrong: expected %(expected)d, got %(got)s.") % {
            "label": label,
            "expected": expected,
            "got": value[11],
        }
    return None


def iin_problem(value):
    """Why ``value`` is not a valid ИИН, or None."""
    label = _("IIN")
    problem = _format_problem(value, label)
    if problem:
        return problem
    if value[6] not in CENTURY_SEX:
        return _("IIN 7th digit (century and sex) must be 1–6, got %(d)s.") % {"d": value[6]}
    century, _sex = CENTURY_SEX[value[6]]
    try:
        datetime.date(century + int(value[0:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        return _("IIN starts with an impossible birth date %(d)s (YYMMDD).") % {"d": value[:6]}
    return _check_digit_problem(value, label)


def parse_iin(value):
    """Birth date and sex encoded in a valid ИИН; raises ValidationError otherwise."""
    problem = iin_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_iin")
    century, sex = CENTURY_SEX[value[6]]
    return IinFacts(
        birth_date=datetime.date(century + int(value[0:2]), int(value[2:4]), int(value[4:6])),
        sex=sex,
    )


def bin_problem(value):
    """Why ``value`` is not a valid БИН, or None."""
    label = _("BIN")
    problem = _format_problem(value, label)
    if problem:
        return problem
    month = int(value[2:4])
    if not 1 <= month <= 12:
        return _("BIN registration month (digits 3–4) must be 01–12, got %(m)s.") % {
            "m": value[2:4]
        }
    if value[4] not in BIN_TYPES:
        return _("BIN 5th digit (entity type) must be 4, 5 or 6, got %(d)s.") % {"d": value[4]}
    if value[5] not in BIN_ATTRIBUTES:
        return _("BIN 6th digit (attribute) must be 0–3, got %(d)s.") % {"d": value[5]}
    return _check_digit_problem(value, label)


def validate_iin(value):
    problem = iin_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_iin")


def validate_bin(value):
    problem = bin_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_bin")


def validate_bin_or_iin(value):
    """Organisations use a БИН; individual entrepreneurs use their ИИН."""
    if bin_problem(value) and iin_problem(value):
        raise ValidationError(
            _("Not a valid BIN (%(bin)s) nor IIN (%(iin)s).")
            % {"bin": bin_problem(value), "iin": iin_problem(value)},
            code="invalid_bin",
        )


def make_iin(birth_date, sex, serial):
    """Build a valid ИИН (for demo data and tests); serial 0..9999, skipped if unusable."""
    century_digit = {
        (1800, "M"): "1", (1800, "F"): "2", (1900, "M"): "3",
        (1900, "F"): "4", (2000, "M"): "5", (2000, "F"): "6",
    }[(birth_date.year // 100 * 100, sex)]
    first11 = f"{birth_date:%y%m%d}{century_digit}{serial:04d}"
    digit = check_digit(first11)
    return None if digit is None else f"{first11}{digit}"


def make_bin(year, month, serial, entity_type="4", attribute="0"):
    first11 = f"{year % 100:02d}{month:02d}{entity_type}{attribute}{serial:05d}"
    digit = check_digit(first11)
    return None if digit is None else f"{first11}{digit}"
