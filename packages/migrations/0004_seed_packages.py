"""Seed the disease lists and the 2025 and 2026 package versions (docs/domain.md §6).

Frozen data of this migration: later corrections are made in the admin or by a
new migration, never by editing this file.

Sources:
- ГОБМП: Government decree № 672 of 16.10.2020; ОСМС: Government decree № 421 of 20.06.2019;
  the unified package from 01.01.2026: Law № 206-VIII of 14.07.2025 amending the Law № 405-V
  «Об ОСМС» and the Code «О здоровье народа и системе здравоохранения».
- Chronic diseases under dynamic observation: MoH order № ҚР ДСМ-149/2020 of 23.09.2020
  (annex, list of chronic diseases), new wording by MoH order of 03.11.2025; the 2026 split
  (24 items under ОСМС; hepatitis B, C, D without cirrhosis and epilepsy kept under ГОБМП)
  follows the Fund's 2026 explanatory materials. ICD-10 ranges are our mapping of each item
  to WHO ICD-10 (2019) rubrics; an operator corrects them in the admin.
- Socially significant diseases (the part used by ГОБМП specialised care here: tuberculosis,
  HIV, malignant neoplasms, mental disorders): MoH order № ҚР ДСМ-108/2020 of 23.09.2020.
- Infectious and parasitic diseases and diseases dangerous to others (inpatient care under
  ГОБМП for everyone): MoH order registered by the Ministry of Justice on 28.10.2020
  № 21537 (adilet V2000021537).
"""

import datetime

from django.db import migrations

CHRONIC = [
    ("arterial_hypertension", "Артериальная гипертензия", "Артериялық гипертензия",
     "Arterial hypertension", "I10-I15"),
    ("ischaemic_heart_disease", "Ишемическая болезнь сердца", "Жүректің ишемиялық ауруы",
     "Ischaemic heart disease", "I20-I25"),
    ("brachiocephalic_arteries", "Поражения экстракраниальных отделов брахиоцефальных артерий",
     "Брахиоцефалдық артериялардың экстракраниалдық бөлімдерінің зақымданулары",
     "Extracranial brachiocephalic artery disease", "I65"),
    ("heart_valve_disease", "Болезни клапанов сердца", "Жүрек қақпақшаларының аурулары",
     "Heart valve disease", "I34-I38"),
    ("arrhythmia", "Нарушения ритма сердца, в том числе фибрилляция предсердий",
     "Жүрек ырғағының бұзылыстары, соның ішінде жүрекшелер фибрилляциясы",
     "Cardiac arrhythmias, including atrial fibrillation", "I47-I49"),
    ("clotting_factor_deficiency", "Наследственный дефицит факторов свёртывания крови",
     "Қан ұю факторларының тұқым қуалайтын тапшылығы",
     "Hereditary clotting-factor deficiency", "D66; D67; D68.0-D68.2"),
    ("respiratory", "Хронические болезни органов дыхания",
     "Тыныс алу ағзаларының созылмалы аурулары", "Chronic respiratory diseases",
     "J44-J45; J47; J84"),
    ("upper_gi", "Болезни верхних отделов желудочно-кишечного тракта",
     "Асқазан-ішек жолының жоғарғы бөлімдерінің аурулары",
     "Diseases of the upper gastrointestinal tract", "K21; K25-K26; K29"),
    ("enteritis_colitis", "Неинфекционный энтерит и колит", "Инфекциялық емес энтерит және колит",
     "Non-infectious enteritis and colitis", "K50-K52"),
    ("liver_except_k74", "Болезни печени, кроме фиброза и цирроза (K74)",
     "Бауыр аурулары, фиброз бен циррозды (K74) қоспағанда",
     "Liver diseases except fibrosis and cirrhosis (K74)", "K70-K73; K75-K77"),
    ("arthropathy_dorsopathy", "Артропатии и дорсопатии", "Артропатиялар және дорсопатиялар",
     "Arthropathies and dorsopathies", "M00-M25; M40-M54"),
    ("connective_tissue", "Системные поражения соединительной ткани",
     "Дәнекер тінінің жүйелі зақымданулары", "Systemic connective tissue disorders", "M30-M36"),
    ("diabetes_metabolic", "Сахарный диабет и нарушения обмена веществ",
     "Қант диабеті және зат алмасудың бұзылыстары",
     "Diabetes mellitus and metabolic disorders", "E10-E14; E70-E90"),
    ("thyroid", "Болезни щитовидной железы", "Қалқанша безінің аурулары", "Thyroid diseases",
     "E00-E07"),
    ("cerebral_palsy", "Детский церебральный паралич", "Балалардың церебралдық сал ауруы",
     "Cerebral palsy", "G80"),
    ("glomerular", "Гломерулярные болезни", "Гломерулярлық аурулар", "Glomerular diseases",
     "N00-N08"),
    ("interstitial_nephritis", "Хронический тубулоинтерстициальный нефрит",
     "Созылмалы тубулоинтерстициалдық нефрит", "Chronic tubulo-interstitial nephritis", "N11"),
    ("prostate_hyperplasia", "Гиперплазия предстательной железы",
     "Қуықасты безінің гиперплазиясы", "Prostate hyperplasia", "N40"),
    ("breast_dysplasia", "Доброкачественная дисплазия молочной железы",
     "Сүт безінің қатерсіз дисплазиясы", "Benign mammary dysplasia", "N60"),
    ("female_genital_noninflammatory", "Невоспалительные болезни женских половых органов",
     "Әйел жыныс ағзаларының қабынбайтын аурулары",
     "Non-inflammatory disorders of the female genital tract", "N80-N98"),
    ("bronchopulmonary_dysplasia", "Бронхолёгочная дисплазия", "Бронх-өкпе дисплазиясы",
     "Bronchopulmonary dysplasia", "P27.1"),
    ("congenital_heart", "Врождённые пороки сердца", "Туа біткен жүрек ақаулары",
     "Congenital heart defects", "Q20-Q28"),
    ("congenital_malformations", "Врождённые пороки развития других систем",
     "Басқа жүйелердің туа біткен даму ақаулары", "Other congenital malformations",
     "Q00-Q18; Q30-Q89"),
]
HEPATITIS = ("viral_hepatitis", "Хронические вирусные гепатиты B, C, D без цирроза печени",
             "Бауыр циррозы жоқ созылмалы B, C, D вирустық гепатиттері",
             "Chronic viral hepatitis B, C, D without cirrhosis", "B18.0-B18.2; B18.8")
EPILEPSY = ("epilepsy", "Эпилепсия", "Эпилепсия", "Epilepsy", "G40")
RHEUMATISM = ("rheumatism", "Ревматизм (ревматическая лихорадка и хронические ревматические "
              "болезни сердца)", "Ревматизм (ревматикалық қызба және жүректің созылмалы "
              "ревматикалық аурулары)", "Rheumatism (rheumatic fever and chronic rheumatic "
              "heart disease)", "I00-I09")
SOCIAL = [
    ("tuberculosis", "Туберкулёз", "Туберкулез", "Tuberculosis", "A15-A19; B90"),
    ("hiv", "ВИЧ-инфекция", "АИТВ-инфекциясы", "HIV infection", "B20-B24; Z21"),
    ("oncology", "Злокачественные новообразования", "Қатерлі ісіктер", "Malignant neoplasms",
     "C00-C97; D00-D09; D45-D47"),
    ("mental", "Психические расстройства и расстройства поведения",
     "Психикалық бұзылыстар және мінез-құлықтың бұзылыстары",
     "Mental and behavioural disorders", "F00-F99"),
]
INFECTIONS = [
    ("infectious_parasitic", "Инфекционные и паразитарные болезни",
     "Жұқпалы және паразиттік аурулар", "Infectious and parasitic diseases", "A00-B99"),
    ("covid19", "Коронавирусная инфекция COVID-19", "COVID-19 коронавирустық инфекциясы",
     "COVID-19", "U07.1-U07.2"),
]
TB = [("tuberculosis", "Туберкулёз", "Туберкулез", "Tuberculosis", "A15-A19; B90")]

CHRONIC_SOURCE = (
    "Приказ МЗ РК от 23.09.2020 № ҚР ДСМ-149/2020, приложение: перечень хронических "
    "заболеваний, подлежащих динамическому наблюдению (в ред. приказа МЗ РК от 03.11.2025). "
    "Диапазоны МКБ-10 сопоставлены с рубриками МКБ-10 ВОЗ (2019)."
)
LISTS = [
    ("chronic_gobmp_2025", "Хронические заболевания под динамическим наблюдением (ГОБМП, до 2026)",
     "Динамикалық байқаудағы созылмалы аурулар (ТМККК, 2026 жылға дейін)",
     "Chronic diseases under dynamic observation (ГОБМП, before 2026)", CHRONIC_SOURCE,
     [*CHRONIC, HEPATITIS, EPILEPSY]),
    ("chronic_osms_2026", "Хронические заболевания под динамическим наблюдением (ОСМС, с 2026)",
     "Динамикалық байқаудағы созылмалы аурулар (МӘМС, 2026 жылдан)",
     "Chronic diseases under dynamic observation (ОСМС, from 2026)",
     CHRONIC_SOURCE + " С 01.01.2026 — в системе ОСМС (24 позиции, ревматизм добавлен).",
     [*CHRONIC, RHEUMATISM]),
    ("chronic_gobmp_2026", "Хронические заболевания под наблюдением ГОБМП (с 2026)",
     "ТМККК шеңберінде байқалатын созылмалы аурулар (2026 жылдан)",
     "Chronic diseases kept under ГОБМП observation (from 2026)",
     CHRONIC_SOURCE + " С 01.01.2026 в рамках ГОБМП остаются гепатиты B, C, D без цирроза "
     "(B18.0–B18.2, B18.8) и эпилепсия (G40).",
     [HEPATITIS, EPILEPSY]),
    ("socially_significant", "Социально значимые заболевания",
     "Әлеуметтік мәні бар аурулар", "Socially significant diseases",
     "Приказ МЗ РК от 23.09.2020 № ҚР ДСМ-108/2020 «Об утверждении перечня социально значимых "
     "заболеваний» (позиции, по которым специализированная помощь оказывается в рамках ГОБМП).",
     SOCIAL),
    ("infections_dangerous", "Инфекционные заболевания и заболевания, представляющие опасность "
     "для окружающих", "Жұқпалы аурулар және айналадағыларға қауіп төндіретін аурулар",
     "Infectious diseases and diseases dangerous to others",
     "Приказ МЗ РК, зарегистрирован МЮ РК 28.10.2020 № 21537: перечень инфекционных, "
     "паразитарных заболеваний и заболеваний, представляющих опасность для окружающих, "
     "при которых стационарная помощь оказывается в рамках ГОБМП.",
     INFECTIONS),
    ("tuberculosis", "Туберкулёз (медицинская реабилитация в рамках ГОБМП)",
     "Туберкулез (ТМККК шеңберінде медициналық оңалту)",
     "Tuberculosis (medical rehabilitation under ГОБМП)",
     "Постановление Правительства РК от 16.10.2020 № 672: медицинская реабилитация лиц "
     "с туберкулёзом в рамках ГОБМП.", TB),
]

G, O = "GOBMP", "OSMS"
ALL, RES, CK, INS = "everyone", "residents", "citizens_kandases", "insured"
DECREE_672 = "Постановление Правительства РК от 16.10.2020 № 672"
DECREE_421 = "Постановление Правительства РК от 20.06.2019 № 421"
LAW_2026 = "Закон РК от 14.07.2025 № 206-VIII (единый пакет ГОБМП и ОСМС с 01.01.2026)"


def _rules(chronic_gobmp, chronic_osms, palliative_osms, blood_osms, law_g, law_o):
    """(care type, disease list or None, source, entitled, legal basis), in trial order."""
    rows = [
        ("ambulance", None, G, ALL, law_g),
        ("air_ambulance", None, G, RES, law_g),
        ("phc", None, G, RES, law_g),
        ("phc", None, O, INS, law_o),
        ("consultative_diagnostic", "socially_significant", G, RES, law_g),
        ("consultative_diagnostic", chronic_gobmp, G, RES, law_g),
    ]
    if chronic_osms:
        rows.append(("consultative_diagnostic", chronic_osms, O, INS, law_o))
    rows += [
        ("consultative_diagnostic", None, O, INS, law_o),
        ("dental", None, O, INS, law_o),
        ("day_hospital", "socially_significant", G, RES, law_g),
        ("day_hospital", None, O, INS, law_o),
        ("inpatient_planned", "infections_dangerous", G, ALL, law_g),
        ("inpatient_planned", "socially_significant", G, RES, law_g),
        ("inpatient_planned", None, O, INS, law_o),
        ("inpatient_emergency", "infections_dangerous", G, ALL, law_g),
        ("inpatient_emergency", "socially_significant", G, RES, law_g),
        ("inpatient_emergency", None, O, INS, law_o),
        ("inpatient_emergency", None, G, RES, law_g),
        ("high_tech", "socially_significant", G, RES, law_g),
        ("high_tech", None, O, INS, law_o),
        ("rehabilitation", "tuberculosis", G, RES, law_g),
        ("rehabilitation", None, O, INS, law_o),
        ("palliative", "socially_significant", G, RES, law_g),
    ]
    if palliative_osms:
        rows.append(("palliative", None, O, INS, law_o))
    rows += [
        ("pathology", "socially_significant", G, RES, law_g),
        ("pathology", None, O, INS, law_o),
        ("donorship", None, G, RES, law_g),
        ("donorship", None, O, INS, law_o),
        ("drugs_inpatient", "infections_dangerous", G, ALL, law_g),
        ("drugs_inpatient", "socially_significant", G, RES, law_g),
        ("drugs_inpatient", None, O, INS, law_o),
        ("drugs_outpatient", "socially_significant", G, RES, law_g),
        ("drugs_outpatient", chronic_gobmp, G, RES, law_g),
    ]
    if chronic_osms:
        rows.append(("drugs_outpatient", chronic_osms, O, INS, law_o))
    rows.append(("blood_products", "socially_significant", G, RES, law_g))
    if blood_osms:
        rows.append(("blood_products", None, O, INS, law_o))
    rows.append(("treatment_abroad", None, G, CK, law_g))
    return rows


VERSIONS = [
    ("2025", "ГОБМП (постановление № 672) и ОСМС (постановление № 421), 2025",
     "ТМККК (№ 672 қаулы) және МӘМС (№ 421 қаулы), 2025",
     "ГОБМП (decree 672) and ОСМС (decree 421), 2025",
     datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), f"{DECREE_672}; {DECREE_421}",
     _rules("chronic_gobmp_2025", None, False, False, DECREE_672, DECREE_421)),
    ("2026", "Единый пакет ГОБМП и ОСМС, 2026", "ТМККК мен МӘМС-тің бірыңғай пакеті, 2026",
     "Unified ГОБМП and ОСМС package, 2026",
     datetime.date(2026, 1, 1), None, LAW_2026,
     _rules("chronic_gobmp_2026", "chronic_osms_2026", True, True, LAW_2026, LAW_2026)),
]


def seed(apps, schema_editor):
    CareType = apps.get_model("packages", "CareType")
    DiseaseList = apps.get_model("packages", "DiseaseList")
    DiseaseListItem = apps.get_model("packages", "DiseaseListItem")
    PackageVersion = apps.get_model("packages", "PackageVersion")
    PackageRule = apps.get_model("packages", "PackageRule")

    lists = {}
    for code, ru, kk, en, source, items in LISTS:
        dl, _ = DiseaseList.objects.update_or_create(
            code=code, defaults={"name_ru": ru, "name_kk": kk, "name_en": en, "source": source}
        )
        lists[code] = dl
        for number, (item_code, iru, ikk, ien, ranges) in enumerate(items, start=1):
            DiseaseListItem.objects.update_or_create(
                disease_list=dl, code=item_code,
                defaults={"number": number, "name_ru": iru, "name_kk": ikk, "name_en": ien,
                          "icd10_ranges": ranges},
            )
    care = {c.code: c for c in CareType.objects.all()}
    for code, ru, kk, en, start, end, basis, rules in VERSIONS:
        version, created = PackageVersion.objects.get_or_create(
            code=code,
            defaults={"name_ru": ru, "name_kk": kk, "name_en": en, "valid_from": start,
                      "valid_to": end, "legal_basis": basis, "is_published": True},
        )
        if not created:
            continue
        PackageRule.objects.bulk_create(
            PackageRule(version=version, order=(i + 1) * 10, care_type=care[care_code],
                        disease_list=lists[list_code] if list_code else None,
                        funding_source=source, entitlement=entitled, legal_basis=law)
            for i, (care_code, list_code, source, entitled, law) in enumerate(rules)
        )


class Migration(migrations.Migration):
    dependencies = [("packages", "0003_tariffs_icd10_versions")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
