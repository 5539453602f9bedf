"""One number and date format per language (issue 18.1): what an operator reads."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from osms.core import formatting

NBSP = "\xa0"


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_money_rate_and_numbers_read_the_same_in_russian_and_kazakh(language):
    with translation.override(language):
        assert formatting.money(Decimal("1045500")) == f"1{NBSP}045{NBSP}500,00{NBSP}₸"
        assert formatting.money(Decimal("8000")) == f"8{NBSP}000,00{NBSP}₸"
        assert formatting.rate(Decimal("0.0200")) == f"2{NBSP}%"
        assert formatting.rate(Decimal("0.035")) == f"3,5{NBSP}%"
        assert formatting.number(Decimal("0.350")) == "0,35"
        assert formatting.number(263112) == f"263{NBSP}112"
        assert formatting.estimate(263112, exact=False) == f"≈{NBSP}263{NBSP}000"


def test_dates_are_day_month_year_and_times_24_hour():
    with translation.override("kk"):
        assert formats.date_format(datetime.date(1983, 2, 10)) == "10.02.1983"
        assert formats.date_format(datetime.datetime(2026, 1, 1, 17, 5),
                                   "DATETIME_FORMAT") == "01.01.2026 17:05"
        assert formatting.day(datetime.date(2026, 9, 1)) == "01.09.2026"
    with translation.override("ru"):
        assert formats.date_format(datetime.time(5, 17), "TIME_FORMAT") == "05:17"


def test_durations_in_words_of_the_language():
    with translation.override("ru"):
        assert formatting.duration(64) == "1 мин 04 с"
        assert formatting.duration(datetime.timedelta(hours=2, minutes=5)) == "2 ч 05 мин"
    with translation.override("kk"):
        assert formatting.duration(3725) == "1 сағ 02 мин"
        assert formatting.duration(9) == "9 с"


def test_template_filters():
    template = Template("{% load osms_format %}{{ a|money }} · {{ r|rate }} · {{ n|estimate:False }}")
    with translation.override("ru"):
        text = template.render(Context({"a": Decimal("450000"), "r": Decimal("0.0350"),
                                        "n": 1234567}))
    assert text == f"450{NBSP}000,00{NBSP}₸ · 3,5{NBSP}% · ≈{NBSP}1{NBSP}230{NBSP}000"


def test_input_accepts_the_printed_and_the_iso_date():
    from django import forms

    field = forms.DateField()
    with translation.override("ru"):
        assert field.clean("10.02.1983") == datetime.date(1983, 2, 10)
        assert field.clean("1983-02-10") == datetime.date(1983, 2, 10)


def test_role_names_read_in_the_language(db):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="Regional operator")
    with translation.override("ru"):
        assert str(group) == "Оператор филиала"
    with translation.override("kk"):
        assert str(group) == "Филиал операторы"
    assert group.name == "Regional operator"  # the stored name permissions refer to
