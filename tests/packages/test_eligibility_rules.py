"""Diseases that moved between sources, the trace, and the errors of the engine."""

import datetime

import pytest

from osms.core.formatting import day
from packages.eligibility import EligibilityError, check_eligibility
from payers.models import Citizenship
from tests.factories import PersonFactory, next_iin

D2025 = datetime.date(2025, 3, 1)
D2026 = datetime.date(2026, 3, 1)
KDP = "consultative_diagnostic"


@pytest.fixture
def citizen(db):
    return PersonFactory(citizenship=Citizenship.CITIZEN)


def check(person, on, icd10, insured, care=KDP):
    return check_eligibility(iin=person.iin, on=on, care_type=care, icd10=icd10, insured=insured)


def test_hypertension_moves_from_gobmp_2025_to_osms_2026(icd10_subset, citizen):
    assert check(citizen, D2025, "I10", insured=False).funding_source == "GOBMP"
    assert check(citizen, D2025, "I10", insured=True).funding_source == "GOBMP"
    assert check(citizen, D2026, "I10", insured=True).funding_source == "OSMS"
    uninsured_2026 = check(citizen, D2026, "I10", insured=False)
    assert uninsured_2026.covered is False
    assert uninsured_2026.funding_source is None


def test_hepatitis_b_stays_gobmp_in_both_versions(icd10_subset, citizen):
    for on in (D2025, D2026):
        for insured in (True, False):
            result = check(citizen, on, "B18.1", insured=insured)
            assert (result.covered, result.funding_source) == (True, "GOBMP")


def test_epilepsy_stays_gobmp_in_2026(icd10_subset, citizen):
    assert check(citizen, D2026, "G40.9", insured=False).funding_source == "GOBMP"


def test_liver_cirrhosis_k74_is_gobmp_as_socially_significant_not_chronic(icd10_subset,
                                                                        citizen):
    for on in (D2025, D2026):
        result = check(citizen, on, "K74.6", insured=False)
        assert result.funding_source == "GOBMP"
        assert "socially_significant" in result.trace[-1].code
        assert "K74" in result.trace[-1].reason


def test_rheumatism_moves_from_socially_significant_to_the_osms_chronic_list(icd10_subset,
                                                                           citizen):
    before = check(citizen, D2025, "I05", insured=False)
    assert before.funding_source == "GOBMP"
    assert "socially_significant_2025" in before.trace[-1].code
    after = check(citizen, D2026, "I05", insured=True)
    assert after.funding_source == "OSMS"
    assert "chronic_osms_2026" in after.trace[-1].code
    assert "I00-I09" in after.trace[-1].reason
    assert check(citizen, D2026, "I05", insured=False).covered is False


def test_diabetes_leaves_the_socially_significant_list_in_2026(icd10_subset, citizen):
    assert check(citizen, D2025, "E11.9", insured=False).funding_source == "GOBMP"
    assert check(citizen, D2026, "E11.9", insured=False).covered is False
    assert check(citizen, D2026, "E11.9", insured=True).funding_source == "OSMS"


def test_trace_lists_rules_in_order_with_reasons(icd10_subset, citizen):
    result = check(citizen, D2026, "I10", insured=True)
    assert [step.applied for step in result.trace] == [False, False, True]
    assert [step.order for step in result.trace] == sorted(step.order for step in result.trace)
    assert "socially_significant" in result.trace[0].code
    assert "I10 is not in the list" in result.trace[0].reason or "I10" in result.trace[0].reason
    assert "Arterial hypertension" in result.trace[2].reason or "I10-I15" in result.trace[2].reason
    assert result.trace[2].funding_source == "OSMS"


def test_unknown_person_gets_only_care_open_to_everyone(icd10_subset):
    stranger = next_iin(datetime.date(1990, 1, 1), "M")
    ambulance = check_eligibility(iin=stranger, on=D2026, care_type="ambulance", icd10="J18.9",
                                  insured=False)
    assert (ambulance.covered, ambulance.funding_source, ambulance.residency) == (
        True, "GOBMP", None)
    phc = check_eligibility(iin=stranger, on=D2026, care_type="phc", icd10="Z00.0", insured=False)
    assert phc.covered is False
    assert "residency unknown" in phc.trace[0].reason


def test_foreign_permanent_resident_has_citizens_rights_but_not_treatment_abroad(icd10_subset):
    resident = PersonFactory(citizenship=Citizenship.FOREIGN_PERMANENT)
    assert check(resident, D2026, "B18.1", insured=False).funding_source == "GOBMP"
    abroad = check(resident, D2026, "C34.9", insured=True, care="treatment_abroad")
    assert abroad.covered is False


def test_insured_status_is_asked_from_coverage_when_not_given(icd10_subset, citizen,
                                                             fake_coverage):
    fake_coverage({citizen.iin: True})
    result = check_eligibility(iin=citizen.iin, on=D2026, care_type=KDP, icd10="I10")
    assert (result.insured, result.funding_source) == (True, "OSMS")
    fake_coverage({})
    result = check_eligibility(iin=citizen.iin, on=D2026, care_type=KDP, icd10="I10")
    assert (result.insured, result.covered) == (False, False)


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"care_type": "massage"}, "care_type", "Unknown type of care"),
        ({"icd10": "I1O"}, "icd10", "not an ICD-10 code"),
        ({"icd10": "I19"}, "icd10", "not a code of the WHO ICD-10"),
        ({"on": datetime.date(2024, 12, 31)}, "date", "No published package version"),
        ({"iin": "871008401428"}, "iin", "IIN"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_reason(icd10_subset, citizen, kwargs, field,
                                                       fragment):
    arguments = {"iin": citizen.iin, "on": D2026, "care_type": KDP, "icd10": "I10",
                 "insured": True, **kwargs}
    with pytest.raises(EligibilityError) as caught:
        check_eligibility(**arguments)
    assert caught.value.field == field
    assert fragment in caught.value.message


def test_insured_status_comes_from_the_coverage_registry(icd10_subset, citizen):
    from coverage.selectors import coverage_on

    status = coverage_on(iin=citizen.iin, on=D2026)
    result = check_eligibility(iin=citizen.iin, on=D2026, care_type=KDP, icd10="I10")
    assert result.insured is status.insured
    assert result.funding_source == ("OSMS" if status.insured else None)
    assert result.insured_explanation == status.explanation


def test_no_care_after_the_date_of_death(icd10_subset):
    person = PersonFactory(death_date=datetime.date(2026, 2, 1))
    before = check_eligibility(iin=person.iin, on=datetime.date(2026, 1, 31),
                               care_type="ambulance", icd10="J18.9", insured=False)
    after = check_eligibility(iin=person.iin, on=D2026, care_type="ambulance", icd10="J18.9",
                              insured=False)
    assert before.covered is True
    assert after.covered is False
    assert "died on " + day(datetime.date(2026, 2, 1)) in after.trace[0].reason
