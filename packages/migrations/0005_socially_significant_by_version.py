"""The socially significant diseases list changed on 01.01.2026: one list per version.

MoH order № ҚР ДСМ-108/2020 of 23.09.2020, annex 1 (13 items until 31.12.2025): tuberculosis,
HIV, chronic viral hepatitis and liver cirrhosis, malignant neoplasms, diabetes, mental and
behavioural disorders, cerebral palsy, acute myocardial infarction (first six months),
rheumatism, systemic connective tissue disorders, degenerative diseases of the nervous system,
demyelinating diseases of the CNS, orphan diseases. As amended from 01.01.2026 (MoH order
published 06.11.2025; Kazinform, Zakon.kz 14.08.2025): diabetes, cerebral palsy, rheumatism and
systemic connective tissue disorders removed; epilepsy and cerebrovascular diseases (strokes,
first year) added. Orphan diseases have their own list of codes and are not encoded here.

Replaces the single «socially_significant» list of 0004 (which held four of the items) in
the rules of both versions.
"""

from django.db import migrations

SOURCE_2025 = ("Приказ МЗ РК от 23.09.2020 № ҚР ДСМ-108/2020 «Об утверждении перечня социально "
               "значимых заболеваний», приложение 1 (редакция до 31.12.2025). Орфанные "
               "заболевания — отдельным перечнем кодов, здесь не закодированы.")
SOURCE_2026 = ("Приказ МЗ РК от 23.09.2020 № ҚР ДСМ-108/2020, приложение 1 в редакции, "
               "действующей с 01.01.2026 (опубликована 06.11.2025): исключены сахарный диабет, "
               "ДЦП, ревматизм, системные поражения соединительной ткани; добавлены эпилепсия и "
               "цереброваскулярные болезни (инсульты) в течение года. Орфанные заболевания — "
               "отдельным перечнем кодов, здесь не закодированы.")

TB = ("tuberculosis", "Туберкулёз", "Туберкулез", "Tuberculosis", "A15-A19; B90")
HIV = ("hiv", "ВИЧ-инфекция", "АИТВ-инфекциясы", "HIV infection", "B20-B24; Z21")
HEPATITIS = ("hepatitis_cirrhosis", "Хронические вирусные гепатиты и цирроз печени",
             "Созылмалы вирустық гепатиттер және бауыр циррозы",
             "Chronic viral hepatitis and liver cirrhosis", "B18; K70.3; K74")
ONCOLOGY = ("oncology", "Злокачественные новообразования", "Қатерлі ісіктер",
            "Malignant neoplasms", "C00-C97; D00-D09; D45-D47")
DIABETES = ("diabetes", "Сахарный диабет", "Қант диабеті", "Diabetes mellitus", "E10-E14")
MENTAL = ("mental", "Психические и поведенческие расстройства",
          "Психикалық және мінез-құлықтық бұзылыстар", "Mental and behavioural disorders",
          "F00-F99")
CEREBRAL_PALSY = ("cerebral_palsy", "Детский церебральный паралич",
                  "Балалардың церебралдық сал ауруы", "Cerebral palsy", "G80")
MI = ("acute_mi", "Острый инфаркт миокарда (первые шесть месяцев)",
      "Жедел миокард инфарктісі (алғашқы алты ай)",
      "Acute myocardial infarction (first six months)", "I21-I22")
RHEUMATISM = ("rheumatism", "Ревматизм", "Ревматизм", "Rheumatism", "I00-I09")
CONNECTIVE = ("connective_tissue", "Системные поражения соединительной ткани",
              "Дәнекер тінінің жүйелі зақымданулары", "Systemic connective tissue disorders",
              "M30-M36")
DEGENERATIVE = ("degenerative_nervous", "Дегенеративные болезни нервной системы",
                "Жүйке жүйесінің дегенеративті аурулары",
                "Degenerative diseases of the nervous system", "G10-G14; G20-G26; G30-G32")
DEMYELINATING = ("demyelinating", "Демиелинизирующие болезни центральной нервной системы",
                 "Орталық жүйке жүйесінің демиелинизациялық аурулары",
                 "Demyelinating diseases of the central nervous system", "G35-G37")
EPILEPSY = ("epilepsy", "Эпилепсия", "Эпилепсия", "Epilepsy", "G40")
STROKE = ("stroke", "Цереброваскулярные болезни (инсульты) в течение года",
          "Цереброваскулярлық аурулар (инсульттер) бір жыл бойы",
          "Cerebrovascular disease (stroke), first year", "I60-I64")

LISTS = [
    ("socially_significant_2025", "Социально значимые заболевания (до 2026)",
     "Әлеуметтік мәні бар аурулар (2026 жылға дейін)",
     "Socially significant diseases (before 2026)", SOURCE_2025, "2025",
     [TB, HIV, HEPATITIS, ONCOLOGY, DIABETES, MENTAL, CEREBRAL_PALSY, MI, RHEUMATISM,
      CONNECTIVE, DEGENERATIVE, DEMYELINATING]),
    ("socially_significant_2026", "Социально значимые заболевания (с 2026)",
     "Әлеуметтік мәні бар аурулар (2026 жылдан)",
     "Socially significant diseases (from 2026)", SOURCE_2026, "2026",
     [TB, HIV, HEPATITIS, ONCOLOGY, MENTAL, MI, DEGENERATIVE, DEMYELINATING, EPILEPSY, STROKE]),
]


def forwards(apps, schema_editor):
    DiseaseList = apps.get_model("packages", "DiseaseList")
    DiseaseListItem = apps.get_model("packages", "DiseaseListItem")
    PackageRule = apps.get_model("packages", "PackageRule")
    old = DiseaseList.objects.filter(code="socially_significant").first()
    for code, ru, kk, en, source, version_code, items in LISTS:
        new, _ = DiseaseList.objects.update_or_create(
            code=code, defaults={"name_ru": ru, "name_kk": kk, "name_en": en, "source": source})
        for number, (item_code, iru, ikk, ien, ranges) in enumerate(items, start=1):
            DiseaseListItem.objects.update_or_create(
                disease_list=new, code=item_code,
                defaults={"number": number, "name_ru": iru, "name_kk": ikk, "name_en": ien,
                          "icd10_ranges": ranges})
        if old is not None:
            PackageRule.objects.filter(version__code=version_code, disease_list=old).update(
                disease_list=new)
    if old is not None and not PackageRule.objects.filter(disease_list=old).exists():
        old.delete()


class Migration(migrations.Migration):
    dependencies = [("packages", "0004_seed_packages")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
