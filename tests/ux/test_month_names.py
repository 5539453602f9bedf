"""Months in words in the case the sentence needs (issue 18.1): «долг с сентября 2025»,
«за сентябрь 2025», «2025 жылғы қыркүйектен бастап»."""

import datetime

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from coverage.explain import explanation_kk, explanation_ru
from osms.core.formatting import CASES, MONTHS_KK, kazakh_case, month_year

SEPTEMBER = datetime.date(2025, 9, 1)


def test_russian_cases_of_a_month():
    assert month_year(SEPTEMBER, language="ru") == "сентябрь 2025"
    assert month_year(SEPTEMBER, "genitive", language="ru") == "сентября 2025"
    assert month_year(SEPTEMBER, "accusative", language="ru") == "сентябрь 2025"
    assert month_year(SEPTEMBER, "prepositional", language="ru") == "сентябре 2025"
    assert month_year(datetime.date(2026, 5, 1), "genitive", language="ru") == "мая 2026"


def test_kazakh_cases_follow_vowel_harmony_and_the_last_sound():
    assert month_year(SEPTEMBER, "ablative", language="kk") == "2025 жылғы қыркүйектен"
    assert month_year(SEPTEMBER, language="kk") == "2025 жылғы қыркүйек"
    ablative = [kazakh_case(name, "ablative") for name in MONTHS_KK]
    assert ablative == ["қаңтардан", "ақпаннан", "наурыздан", "сәуірден", "мамырдан",
                        "маусымнан", "шілдеден", "тамыздан", "қыркүйектен", "қазаннан",
                        "қарашадан", "желтоқсаннан"]
    accusative = [kazakh_case(name, "accusative") for name in MONTHS_KK]
    assert accusative == ["қаңтарды", "ақпанды", "наурызды", "сәуірді", "мамырды", "маусымды",
                          "шілдені", "тамызды", "қыркүйекті", "қазанды", "қарашаны",
                          "желтоқсанды"]
    assert kazakh_case("қыркүйек", "dative") == "қыркүйекке"
    assert kazakh_case("наурыз", "locative") == "наурызда"


def test_the_active_language_decides_and_english_reads_plainly():
    with translation.override("kk"):
        assert month_year(SEPTEMBER, "ablative") == "2025 жылғы қыркүйектен"
    with translation.override("ru"):
        assert month_year(SEPTEMBER, "genitive") == "сентября 2025"
    with translation.override("en"):
        assert month_year(SEPTEMBER, "genitive") == "September 2025"
    assert month_year(None) == ""
    with pytest.raises(ValueError):
        month_year(SEPTEMBER, "vocative")


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2200, 12, 31)),
       st.sampled_from(CASES))
def test_every_month_in_every_case_keeps_its_year_and_stem(day, case):
    russian = month_year(day, case, language="ru")
    kazakh = month_year(day, case, language="kk")
    assert russian.endswith(f" {day.year}")
    assert kazakh.startswith(f"{day.year} жылғы {MONTHS_KK[day.month - 1]}")
    # a Kazakh ending is one harmony: never back and front vowels mixed in the suffix
    suffix = kazakh.removeprefix(f"{day.year} жылғы {MONTHS_KK[day.month - 1]}")
    assert not (set(suffix) & set("аы") and set(suffix) & set("еі"))


class _Policy:
    grace_months, debt_window_months = 3, 12
    retention_months, retention_after_months = 3, 12


class _Decision:
    policy = _Policy()
    category = membership = valid_until = last_paid = next_paid = None
    basis = None


def test_status_explanations_put_the_month_in_the_right_case():
    debt = _Decision()
    debt.reason, debt.paid_through = "uninsured", datetime.date(2025, 8, 1)
    debt.first_unpaid = SEPTEMBER
    assert "долг с сентября 2025" in explanation_ru(debt)
    assert "уплачены только по август 2025" in explanation_ru(debt)
    assert "2025 жылғы қыркүйектен бастап" in explanation_kk(debt)
    assert "2025 жылғы тамызды қоса алғанда" in explanation_kk(debt)
    later = _Decision()
    later.reason, later.next_paid = "prepaid_later", datetime.date(2026, 4, 1)
    assert "начиная с апреля 2026" in explanation_ru(later)
    assert "2026 жылғы сәуірден бастап" in explanation_kk(later)
