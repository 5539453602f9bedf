"""Periods are months (docs/domain.md): the month arithmetic every app shares.

A month index is year × 12 + month − 1, so that months compare and subtract as ints.
The set-based SQL uses the same numbering through the expressions at the end of this
module (``MONTH_INDEX_SQL``, ``MONTH_START_SQL``, ``MONTH_END_SQL``), so Python and
PostgreSQL count months alike.
"""

import datetime
import re


def month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(index: int) -> datetime.date:
    return month_start(index + 1) - datetime.timedelta(days=1)


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(period: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` after (or before) the month of ``period``."""
    return month_start(month_index(period) + months)


def last_day(period: datetime.date) -> datetime.date:
    """The last day of the month of ``period``."""
    return month_end(month_index(period))


def same_day_months_later(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month ``months`` later (or earlier), or that month's last day
    when it is shorter (31 January + 1 month → 28 or 29 February)."""
    index = month_index(day) + months
    return month_start(index).replace(day=min(day.day, month_end(index).day))


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later; 29 February becomes 28 February (as PostgreSQL does)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# The same arithmetic as PostgreSQL expressions, for statements that work on month indexes
# (``str.format`` templates: ``{d}`` a date expression, ``{i}`` an integer one). ``%%`` is a
# percent sign in a statement executed with parameters.
MONTH_INDEX_SQL = "(date_part('year', {d})::int * 12 + date_part('month', {d})::int - 1)"
MONTH_START_SQL = "make_date((({i}) / 12)::int, (({i}) %% 12 + 1)::int, 1)"
MONTH_END_SQL = ("(make_date((({i}) / 12)::int, (({i}) %% 12 + 1)::int, 1) "
                 "+ interval '1 month - 1 day')::date")


_MONTH_TEXT = (re.compile(r"^(?P<month>\d{2})\.(?P<year>\d{4})$"),  # 09.2026, as printed
               re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})$"))  # 2026-09, ISO


def parse_month(text) -> datetime.date:
    """A month typed as it is printed (ММ.ГГГГ, 09.2026) or as ISO (ГГГГ-ММ, 2026-09) → its
    first day; ValueError for anything else (a day, a month 13, a two-digit year)."""
    value = str(text or "").strip()
    for pattern in _MONTH_TEXT:
        match = pattern.match(value)
        if match:
            year, month = int(match["year"]), int(match["month"])
            if 1 <= month <= 12 and year >= 1:
                return datetime.date(year, month, 1)
            raise ValueError(f"no month {month:02d} in a year")
    raise ValueError(f"not a month: {value!r}")
