"""The eligibility test table: every care type × insured/uninsured × citizen / kandas /
foreign temporary resident × 2025 / 2026 (issue 6, docs/domain.md §6)."""

import datetime

import pytest

from packages.eligibility import check_eligibility
from payers.models import Citizenship
from tests.factories import PersonFactory

D2025 = datetime.date(2025, 6, 15)
D2026 = datetime.date(2026, 6, 15)

# Columns: citizen insured, citizen uninsured, kandas insured, kandas uninsured,
# foreign temporary resident insured, foreign temporary resident uninsured.
# G = covered by ГОБМП, O = covered by ОСМС, - = not covered.
PEOPLE = [
    (Citizenship.CITIZEN, True), (Citizenship.CITIZEN, False),
    (Citizenship.KANDAS, True), (Citizenship.KANDAS, False),
    (Citizenship.FOREIGN_TEMPORARY, True), (Citizenship.FOREIGN_TEMPORARY, False),
]
TABLE = [
    # care type, ICD-10, 2025, 2026
    ("ambulance", "J18.9", "GGGGGG", "GGGGGG"),
    ("air_ambulance", "J18.9", "GGGG--", "GGGG--"),
    ("phc", "Z00.0", "GGGGO-", "GGGGO-"),
    ("consultative_diagnostic", "J18.9", "O-O-O-", "O-O-O-"),
    ("dental", "K02.1", "O-O-O-", "O-O-O-"),
    ("day_hospital", "J18.9", "O-O-O-", "O-O-O-"),
    ("inpatient_planned", "I25.9", "O-O-O-", "O-O-O-"),
    ("inpatient_emergency", "S72.0", "OGOGO-", "OGOGO-"),
    ("high_tech", "I25.9", "O-O-O-", "O-O-O-"),
    ("rehabilitation", "A15.0", "GGGGO-", "GGGGO-"),
    ("palliative", "C34.9", "GGGG--", "GGGGO-"),
    ("pathology", "C34.9", "GGGGO-", "GGGGO-"),
    ("donorship", "Z52.4", "GGGGO-", "GGGGO-"),
    ("drugs_inpatient", "A15.0", "GGGGGG", "GGGGGG"),
    ("drugs_outpatient", "E11.9", "GGGG--", "O-O-O-"),
    ("blood_products", "D66", "------", "O-O-O-"),
    ("treatment_abroad", "C34.9", "GGGG--", "GGGG--"),
]
LETTER = {"GOBMP": "G", "OSMS": "O", None: "-"}

CASES = [
    pytest.param(care, icd, on, column, expected[column],
                 id=f"{care}-{icd}-{on.year}-{PEOPLE[column][0]}-"
                    f"{'insured' if PEOPLE[column][1] else 'uninsured'}")
    for care, icd, e2025, e2026 in TABLE
    for on, expected in ((D2025, e2025), (D2026, e2026))
    for column in range(len(PEOPLE))
]


def test_table_covers_every_care_type(db):
    from packages.models import CareType

    assert {row[0] for row in TABLE} == set(CareType.objects.values_list("code", flat=True))


@pytest.mark.parametrize(("care", "icd", "on", "column", "expected"), CASES)
def test_eligibility_table(icd10_subset, care, icd, on, column, expected):
    citizenship, insured = PEOPLE[column]
    person = PersonFactory(citizenship=citizenship)
    result = check_eligibility(iin=person.iin, on=on, care_type=care, icd10=icd, insured=insured)
    assert LETTER[result.funding_source] == expected
    assert result.covered is (expected != "-")
    assert result.package_version == str(on.year)
    assert result.insured is insured
    assert result.trace, "the trace lists the rules tried"
    assert result.trace[-1].applied is result.covered
