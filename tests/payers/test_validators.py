"""ИИН/БИН validators: the decree's examples and properties over generated numbers."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from payers.validators import (
    bin_problem,
    check_digit,
    iin_problem,
    make_bin,
    make_iin,
    parse_iin,
    validate_iin,
)


def test_domain_examples_are_valid():
    assert iin_problem("871008401427") is None
    assert iin_problem("900101300811") is None  # valid through the second weighting pass


def test_parse_iin_gives_birth_date_and_sex():
    facts = parse_iin("871008401427")
    assert facts.birth_date == datetime.date(1987, 10, 8)
    assert facts.sex == "F"


def test_second_pass_is_used_when_first_gives_ten():
    first = sum(w * int(d) for w, d in zip(range(1, 12), "90010130081", strict=True)) % 11
    assert first == 10
    assert check_digit("90010130081") == 1


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("87100840142", "12 digits, got 11"),
        ("8710084014277", "12 digits, got 13"),
        ("87100840142A", "digits only"),
        ("871308401427", "impossible birth date"),
        ("871008701427", "7th digit"),
        ("871008401428", "check digit is wrong: expected 7, got 8"),
    ],
)
def test_iin_errors_say_what_is_wrong(value, fragment):
    assert fragment in str(iin_problem(value))
    with pytest.raises(ValidationError):
        validate_iin(value)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("1503400000", "12 digits"),
        ("151340000001", "month"),
        ("150370000001", "5th digit"),
        ("150347000001", "6th digit"),
    ],
)
def test_bin_errors_say_what_is_wrong(value, fragment):
    assert fragment in str(bin_problem(value))


dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2099, 12, 31))


@given(dates, st.sampled_from(["M", "F"]), st.integers(0, 9999))
def test_generated_iin_round_trips(birth_date, sex, serial):
    iin = make_iin(birth_date, sex, serial)
    if iin is None:  # both passes give 10: no valid number for this serial
        return
    assert iin_problem(iin) is None
    facts = parse_iin(iin)
    assert (facts.birth_date, facts.sex) == (birth_date, sex)


@given(dates, st.sampled_from(["M", "F"]), st.integers(0, 9999), st.integers(1, 9))
def test_a_changed_check_digit_is_caught(birth_date, sex, serial, delta):
    iin = make_iin(birth_date, sex, serial)
    if iin is None:
        return
    changed = iin[:11] + str((int(iin[11]) + delta) % 10)
    assert "check digit" in str(iin_problem(changed))


@given(st.text(max_size=14))
def test_validator_never_crashes_on_any_text(text):
    assert iin_problem(text) is None or isinstance(str(iin_problem(text)), str)
    assert bin_problem(text) is None or isinstance(str(bin_problem(text)), str)


@given(st.integers(1998, 2030), st.integers(1, 12), st.integers(0, 99999))
def test_generated_bin_is_valid(year, month, serial):
    value = make_bin(year, month, serial)
    if value is not None:
        assert bin_problem(value) is None
