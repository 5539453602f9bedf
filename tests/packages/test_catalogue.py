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


def test_dashboard_panel_names_the_version_in_force(rf, analyst, monkeypatch):
    import datetime

    from django.utils import timezone

    from packages.dashboard import dashboard_panels

    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2026, 5, 1))
    request = rf.get("/admin/")
    request.user = analyst
    panel = dashboard_panels(request)[0]
    assert panel["cards"][0]["value"] == "2026"
    assert panel["cards"][1]["value"] > 30


def test_demo_seed_adds_tariffs_once(db):
    import io
    import random

    from packages import demo
    from packages.models import TariffCaseRate, TariffPhcCoefficient

    # the ICD-10 is loaded by migrate (packages 0006): the demo does not load it again
    demo.seed(rng=random.Random(1), persons=10, stdout=io.StringIO())
    demo.seed(rng=random.Random(1), persons=10, stdout=io.StringIO())
    assert TariffCaseRate.objects.count() == 9
    assert TariffPhcCoefficient.objects.filter(kind="density").count() == 20
