"""Month arithmetic shared by the apps (``osms.core.periods``)."""

import calendar
import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osms.core.periods import (
    MONTH_END_SQL,
    MONTH_INDEX_SQL,
    MONTH_START_SQL,
    add_months,
    add_years,
    first_of_month,
    last_day,
    month_end,
    month_index,
    month_start,
    same_day_months_later,
)

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


@given(days, st.integers(min_value=-1200, max_value=1200))
def test_same_day_months_later_keeps_the_day_or_takes_the_months_last(day, months):
    moved = same_day_months_later(day, months)
    assert month_index(moved) - month_index(day) == months
    assert moved.day == min(day.day, last_day(moved).day)


@given(days, st.integers(min_value=-150, max_value=150))
def test_add_years_keeps_month_and_day_but_29_february(day, years):
    moved = add_years(day, years)
    assert (moved.year, moved.month) == (day.year + years, day.month)
    assert moved.day == day.day or (day.month, day.day, moved.day) == (2, 29, 28)


def test_examples_of_days():
    assert same_day_months_later(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert same_day_months_later(datetime.date(2028, 1, 31), 1) == datetime.date(2028, 2, 29)
    assert same_day_months_later(datetime.date(2026, 3, 15), -3) == datetime.date(2025, 12, 15)
    assert add_years(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 28)
    assert add_years(datetime.date(2026, 5, 10), -18) == datetime.date(2008, 5, 10)


@pytest.mark.django_db
@pytest.mark.postgresql
def test_the_sql_expressions_count_months_as_python_does():
    """The statements' month arithmetic (``*_SQL``) agrees with the functions, 1900–2200,
    and PostgreSQL adds years as ``add_years`` does (29 February → 28 February)."""
    from django.db import connection

    statement = (
        f"SELECT d::date, {MONTH_INDEX_SQL.format(d='d')}, "
        f"{MONTH_START_SQL.format(i=MONTH_INDEX_SQL.format(d='d'))}, "
        f"{MONTH_END_SQL.format(i=MONTH_INDEX_SQL.format(d='d'))}, "
        f"(d + make_interval(years => %s))::date, (d + make_interval(years => -%s))::date "
        f"FROM generate_series(date '1900-01-01', date '2200-12-01', interval '1 month') "
        f"AS m(s), unnest(ARRAY[s, s + interval '27 days', s + interval '28 days', "
        f"(s + interval '1 month - 1 day')]) AS d"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [1, 1])
        rows = cursor.fetchall()
    assert len(rows) == 301 * 12 * 4
    for day, index, start, end, year_later, year_before in rows:
        assert index == month_index(day)
        assert start == month_start(index) == first_of_month(day)
        assert end == month_end(index) == last_day(day)
        assert year_later == add_years(day, 1) and year_before == add_years(day, -1)
