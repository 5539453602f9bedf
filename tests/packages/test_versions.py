"""Version comparison and a 2027 version added by an operator without code."""

import datetime

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from packages import services
from packages.compare import compare_versions, comparison_xlsx
from packages.eligibility import check_eligibility
from packages.models import DiseaseList, PackageRule, PackageVersion
from packages.selectors import version_on
from tests.factories import PersonFactory


@pytest.fixture
def v2025(db):
    return PackageVersion.objects.get(code="2025")


@pytest.fixture
def v2026(db):
    return PackageVersion.objects.get(code="2026")


def test_seeded_chronic_lists_have_25_and_24_items(db):
    gobmp_2025 = DiseaseList.objects.get(code="chronic_gobmp_2025")
    osms_2026 = DiseaseList.objects.get(code="chronic_osms_2026")
    kept_2026 = DiseaseList.objects.get(code="chronic_gobmp_2026")
    assert gobmp_2025.items.count() == 25
    assert osms_2026.items.count() == 24
    assert set(kept_2026.items.values_list("code", flat=True)) == {"viral_hepatitis", "epilepsy"}
    assert kept_2026.items.get(code="viral_hepatitis").icd10_ranges == "B18.0-B18.2; B18.8"
    assert "ҚР ДСМ-149/2020" in gobmp_2025.source
    social_2025 = DiseaseList.objects.get(code="socially_significant_2025")
    social_2026 = DiseaseList.objects.get(code="socially_significant_2026")
    assert social_2025.items.count() == 12 and social_2026.items.count() == 10
    assert "diabetes" not in set(social_2026.items.values_list("code", flat=True))
    assert {"epilepsy", "stroke"} <= set(social_2026.items.values_list("code", flat=True))
    assert not DiseaseList.objects.filter(code="socially_significant").exists()


def test_comparison_shows_chronic_diseases_moving_to_osms(v2025, v2026):
    comparison = compare_versions(before=v2025, after=v2026)
    kdp = {row.code: row for row in comparison.diseases
           if row.care_type.code == "consultative_diagnostic"}
    moved = {code for code, row in kdp.items() if (row.before, row.after) == ("GOBMP", "OSMS")}
    osms_chronic = set(DiseaseList.objects.get(code="chronic_osms_2026").items.values_list(
        "code", flat=True))
    assert moved == osms_chronic  # all 24 chronic diseases of the ОСМС list came from ГОБМП
    assert "arterial_hypertension" in moved
    assert kdp["arterial_hypertension"].change == "moved"
    assert (kdp["viral_hepatitis"].before, kdp["viral_hepatitis"].after) == ("GOBMP", "GOBMP")
    assert (kdp["epilepsy"].before, kdp["epilepsy"].after) == ("GOBMP", "GOBMP")
    assert (kdp["diabetes"].before, kdp["diabetes"].after) == ("GOBMP", None)
    assert kdp["diabetes"].change == "removed"
    assert (kdp["stroke"].before, kdp["stroke"].after) == (None, "GOBMP")
    assert kdp["stroke"].change == "added"
    changed_care = {row.care_type.code for row in comparison.care_changes}
    assert {"consultative_diagnostic", "drugs_outpatient", "palliative",
            "blood_products"} <= changed_care
    assert not {"ambulance", "day_hospital", "inpatient_planned", "treatment_abroad"} & \
        changed_care


def test_comparison_excel_export(v2025, v2026):
    content = comparison_xlsx(compare_versions(before=v2025, after=v2026))
    import io

    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    assert book.sheetnames == ["Care", "Diseases"]
    rows = list(book["Diseases"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Type of care", "Disease", "ICD-10")
    hypertension = [r for r in rows if r[2] == "I10-I15" and r[0] == "Consultative and diagnostic care"]
    assert hypertension and hypertension[0][3:] == ("GOBMP", "OSMS", "moved")


def test_operator_adds_a_2027_version_without_code(icd10_subset, v2026, hq_operator):
    person = PersonFactory()
    draft = services.package_version_copy(source=v2026, code="2027",
                                          valid_from=datetime.date(2027, 1, 1),
                                          acting_user=hq_operator)
    assert draft.is_published is False
    assert draft.rules.count() == v2026.rules.count()
    on_2027 = datetime.date(2027, 3, 1)
    assert version_on(on=on_2027) == v2026  # the draft answers nothing yet

    # The operator moves hypertension back to ГОБМП in 2027: a copied list without it under ОСМС
    # and a ГОБМП list with it, referenced by the draft's rules.
    gobmp_2027 = services.disease_list_copy(
        source=DiseaseList.objects.get(code="chronic_gobmp_2026"), code="chronic_gobmp_2027",
        acting_user=hq_operator)
    gobmp_2027.items.create(number=3, code="arterial_hypertension", name_ru="АГ",
                            icd10_ranges="I10-I15")
    PackageRule.objects.filter(version=draft, disease_list__code="chronic_gobmp_2026").update(
        disease_list=gobmp_2027)

    services.package_version_publish(version=draft, acting_user=hq_operator)
    v2026.refresh_from_db()
    assert v2026.valid_to == datetime.date(2026, 12, 31)
    assert version_on(on=on_2027).code == "2027"
    result = check_eligibility(iin=person.iin, on=on_2027, care_type="consultative_diagnostic",
                               icd10="I10", insured=False)
    assert (result.package_version, result.funding_source) == ("2027", "GOBMP")
    # 2026 answers as before.
    assert check_eligibility(iin=person.iin, on=datetime.date(2026, 6, 1),
                             care_type="consultative_diagnostic", icd10="I10",
                             insured=False).covered is False
    assert v2026.history.first().history_user == hq_operator


def test_published_versions_cannot_overlap(v2025, hq_operator):
    draft = services.package_version_copy(source=v2025, code="2025bis",
                                          valid_from=datetime.date(2025, 6, 1),
                                          valid_to=datetime.date(2025, 8, 31))
    with pytest.raises(ValidationError):
        services.package_version_publish(version=draft, acting_user=hq_operator)
    draft.refresh_from_db()
    assert draft.is_published is False


def test_a_version_without_rules_cannot_be_published(db):
    empty = PackageVersion.objects.create(code="empty", name_ru="Пусто",
                                          valid_from=datetime.date(2030, 1, 1))
    with pytest.raises(ValidationError):
        services.package_version_publish(version=empty)
