"""Month arithmetic shared by the apps (``osms.core.periods``)."""

import calendar
import datetime

from hypothesis import given
from hypothesis import strategies as st

from osms.core.periods import add_months, first_of_month, last_day, month_index, month_start

days = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2200, 12, 31))


@given(days)
def test_last_day_is_the_calendars_last_day_of_the_month(day):
    assert last_day(day) == day.replace(day=calendar.monthrange(day.year, day.month)[1])


@given(days, st.integers(min_value=-1200, max_value=1200))
def test_add_months_moves_by_whole_months_to_the_first(day, months):
    moved = add_months(day, months)
    assert moved.day == 1
    assert month_index(moved) - month_index(day) == months
    assert add_months(moved, -months) == first_of_month(day)


@given(days)
def test_month_index_and_month_start_round_trip(day):
    assert month_start(month_index(day)) == first_of_month(day)


def test_examples():
    assert add_months(datetime.date(2025, 12, 31), 1) == datetime.date(2026, 1, 1)
    assert add_months(datetime.date(2026, 3, 15), -2) == datetime.date(2026, 1, 1)
    assert last_day(datetime.date(2028, 2, 3)) == datetime.date(2028, 2, 29)
