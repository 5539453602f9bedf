"""Periods are months (docs/domain.md): the month arithmetic every app shares.

A month index is year × 12 + month − 1, so that months compare and subtract as ints
(the status job's SQL uses the same numbering).
"""

import datetime


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
