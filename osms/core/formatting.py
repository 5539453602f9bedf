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
from django.utils.translation import get_language
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


# --- Months in words, in the case the sentence needs ---------------------------------------
# Russian: «сентябрь 2025» (nominative; the accusative of a month is the same: «по сентябрь»),
# «с сентября 2025» (genitive), «в сентябре 2025» (prepositional), «к сентябрю 2025» (dative).
# Kazakh: «2025 жылғы қыркүйек», «2025 жылғы қыркүйектен бастап» (ablative), «… қыркүйекті қоса»
# (accusative), «… қыркүйекке дейін» (dative), «… қыркүйекте» (locative), «… қыркүйектің»
# (genitive); the suffix follows the last vowel (back а/о/ұ/ы, front ә/е/ө/ү/і) and the last
# sound of the month's name.
CASES = ("nominative", "genitive", "accusative", "dative", "prepositional", "locative",
         "ablative")

MONTHS_RU = {
    "nominative": ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
                   "сентябрь", "октябрь", "ноябрь", "декабрь"),
    "genitive": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                 "сентября", "октября", "ноября", "декабря"),
    "dative": ("январю", "февралю", "марту", "апрелю", "маю", "июню", "июлю", "августу",
               "сентябрю", "октябрю", "ноябрю", "декабрю"),
    "prepositional": ("январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе",
                      "сентябре", "октябре", "ноябре", "декабре"),
}
MONTHS_RU["accusative"] = MONTHS_RU["nominative"]  # inanimate: «по сентябрь», «за май»
MONTHS_RU["locative"] = MONTHS_RU["prepositional"]
MONTHS_RU["ablative"] = MONTHS_RU["genitive"]  # «с сентября»: Russian says "from" so

MONTHS_KK = ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
             "қыркүйек", "қазан", "қараша", "желтоқсан")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")

_KK_BACK, _KK_FRONT = set("аоұыя"), set("әеөүіэи")
_KK_VOICELESS = set("кқпстфхцчшщ")
_KK_NASAL = set("мнң")
# Kazakh case endings: (after a vowel, after л/р/й/у/з/ж, after м/н/ң, after a voiceless
# consonant), each as (back, front).
_KK_ENDINGS = {
    "genitive": (("ның", "нің"), ("дың", "дің"), ("ның", "нің"), ("тың", "тің")),
    "accusative": (("ны", "ні"), ("ды", "ді"), ("ды", "ді"), ("ты", "ті")),
    "dative": (("ға", "ге"), ("ға", "ге"), ("ға", "ге"), ("қа", "ке")),
    "locative": (("да", "де"), ("да", "де"), ("да", "де"), ("та", "те")),
    "ablative": (("дан", "ден"), ("дан", "ден"), ("нан", "нен"), ("тан", "тен")),
}
_KK_ENDINGS["prepositional"] = _KK_ENDINGS["locative"]


def kazakh_case(word, case):
    """``word`` with the Kazakh case ending after vowel harmony and its last sound:
    қыркүйек → қыркүйектен (ablative), маусым → маусымнан, шілде → шілдеден."""
    if case == "nominative":
        return word
    endings = _KK_ENDINGS[case]
    last = word[-1].lower()
    vowels = [ch for ch in word.lower() if ch in _KK_BACK | _KK_FRONT]
    front = bool(vowels) and vowels[-1] in _KK_FRONT
    if last in _KK_BACK | _KK_FRONT:
        group = 0
    elif last in _KK_NASAL:
        group = 2
    elif last in _KK_VOICELESS:
        group = 3
    else:
        group = 1
    return word + endings[group][1 if front else 0]


def month_year(value, case="nominative", language=None):
    """A month and its year in words, in ``case`` (one of ``CASES``) and the active language
    (or ``language``): ru «сентября 2025» (genitive), kk «2025 жылғы қыркүйектен» (ablative),
    en «September 2025». Empty for None."""
    if value is None:
        return ""
    if case not in CASES:
        raise ValueError(f"unknown case {case!r}")
    lang = (language or get_language() or "ru")[:2]
    index = value.month - 1
    if lang == "kk":
        return f"{value.year} жылғы {kazakh_case(MONTHS_KK[index], case)}"
    if lang == "ru":
        return f"{MONTHS_RU[case][index]} {value.year}"
    return f"{MONTHS_EN[index]} {value.year}"


def moment(value):
    """A date and time as дд.мм.гггг ЧЧ:ММ in local time (24-hour); empty for None."""
    if value is None:
        return ""
    from django.utils import timezone

    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATETIME_FORMAT")
