"""Seed the care catalogue (Code of the RK «On public health», arts. 118–134;
ГОБМП decree № 672 of 16.10.2020; ОСМС decree № 421 of 20.06.2019).

Codes are stable: other apps reference them. Re-running updates names only.
"""

from django.db import migrations

CARE_TYPES = [
    # code, form, Russian, Kazakh, English
    ("ambulance", "emergency", "Скорая медицинская помощь",
     "Жедел медициналық жәрдем", "Emergency medical care (ambulance)"),
    ("air_ambulance", "emergency", "Медицинская помощь с привлечением санитарной авиации",
     "Санитариялық авиацияны тарта отырып көрсетілетін медициналық көмек",
     "Air ambulance"),
    ("phc", "outpatient", "Первичная медико-санитарная помощь",
     "Медициналық-санитариялық алғашқы көмек", "Primary health care"),
    ("consultative_diagnostic", "outpatient", "Консультативно-диагностическая помощь",
     "Консультациялық-диагностикалық көмек", "Consultative and diagnostic care"),
    ("dental", "outpatient", "Стоматологическая помощь",
     "Стоматологиялық көмек", "Dental care"),
    ("day_hospital", "hospital_replacing", "Стационарозамещающая помощь",
     "Стационарды алмастыратын көмек", "Hospital-replacing care (day hospital)"),
    ("inpatient_planned", "inpatient", "Стационарная помощь в плановой форме",
     "Жоспарлы нысандағы стационарлық көмек", "Inpatient care, planned"),
    ("inpatient_emergency", "inpatient", "Стационарная помощь в экстренной форме",
     "Шұғыл нысандағы стационарлық көмек", "Inpatient care, emergency"),
    ("high_tech", "inpatient", "Высокотехнологичные медицинские услуги",
     "Жоғары технологиялық медициналық көрсетілетін қызметтер", "High-tech medical services"),
    ("rehabilitation", "rehabilitation", "Медицинская реабилитация",
     "Медициналық оңалту", "Medical rehabilitation"),
    ("palliative", "palliative", "Паллиативная медицинская помощь",
     "Паллиативтік медициналық көмек", "Palliative care"),
    ("pathology", "other", "Патологоанатомическая диагностика",
     "Патологиялық-анатомиялық диагностика", "Pathology (anatomic pathology diagnostics)"),
    ("donorship", "other", "Заготовка органов и тканей для трансплантации (донорство)",
     "Транспланттау үшін ағзалар мен тіндерді дайындау (донорлық)",
     "Donorship: harvesting of organs and tissues"),
    ("drugs_inpatient", "drugs",
     "Лекарственное обеспечение при стационарной и стационарозамещающей помощи",
     "Стационарлық және стационарды алмастыратын көмек кезінде дәрілік қамтамасыз ету",
     "Drug provision in inpatient and day-hospital care"),
    ("drugs_outpatient", "drugs", "Амбулаторное лекарственное обеспечение",
     "Амбулаториялық дәрілік қамтамасыз ету", "Outpatient drug provision"),
    ("blood_products", "other", "Обеспечение компонентами и препаратами крови",
     "Қан компоненттерімен және препараттарымен қамтамасыз ету",
     "Blood components and blood products"),
    ("treatment_abroad", "other", "Лечение граждан Республики Казахстан за рубежом",
     "Қазақстан Республикасы азаматтарын шетелде емдеу", "Treatment abroad"),
]


def seed(apps, schema_editor):
    CareType = apps.get_model("packages", "CareType")
    for order, (code, form, ru, kk, en) in enumerate(CARE_TYPES, start=1):
        CareType.objects.update_or_create(
            code=code,
            defaults={"form": form, "name_ru": ru, "name_kk": kk, "name_en": en,
                      "sort_order": order * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("packages", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
