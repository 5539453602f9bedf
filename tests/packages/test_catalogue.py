from django.utils import translation

from packages.models import CareType


def test_catalogue_is_seeded_with_stable_codes(db):
    codes = set(CareType.objects.values_list("code", flat=True))
    assert {"ambulance", "air_ambulance", "phc", "consultative_diagnostic", "day_hospital",
            "inpatient_planned", "inpatient_emergency", "high_tech", "rehabilitation",
            "palliative", "pathology", "donorship", "drugs_inpatient", "drugs_outpatient",
            "blood_products", "treatment_abroad"} <= codes


def test_care_type_name_follows_the_active_language(db):
    phc = CareType.objects.get(code="phc")
    with translation.override("ru"):
        assert phc.name == "Первичная медико-санитарная помощь"
    with translation.override("kk"):
        assert phc.name == "Медициналық-санитариялық алғашқы көмек"
    with translation.override("en"):
        assert phc.name == "Primary health care"
