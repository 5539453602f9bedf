"""The rules, indicators, defects and restrictions monitoring starts with (data migration
0002 and the tests load these; operators change them in the admin afterwards).

``True`` in the last place of a rule marks our assumption rather than a published rule
of the Fund (docs/domain.md, "Monitoring of paid care").
"""

import datetime
from decimal import Decimal

FROM = datetime.date(2025, 1, 1)

# code, severity, parameter, ru, kk, en, assumption
RULES = [
    ("PATIENT_UNKNOWN", "reject", None, "Пациент с таким ИИН отсутствует в регистре",
     "Мұндай ЖСН бар пациент тіркелімде жоқ", "The patient is not in the registry", False),
    ("IIN_INVALID", "reject", None, "ИИН пациента не проходит проверку контрольного разряда",
     "Пациенттің ЖСН бақылау разрядын тексеруден өтпейді",
     "The patient's IIN fails the check digit", False),
    ("AFTER_DEATH", "reject", None, "Дата услуги позже даты смерти пациента",
     "Қызмет көрсету күні пациенттің қайтыс болған күнінен кейін",
     "The service date is after the patient's death", False),
    ("NOT_INSURED", "reject", None,
     "Помощь в рамках ОСМС, пациент не застрахован на дату услуги",
     "МӘМС шеңберіндегі көмек, пациент қызмет көрсету күні сақтандырылмаған",
     "Care funded by ОСМС: the patient is not insured on the service date", False),
    ("NOT_IN_PACKAGE", "reject", None,
     "Помощь не входит в пакет, действующий на дату услуги, для этого пациента",
     "Көмек қызмет көрсету күні қолданыстағы пакетке осы пациент үшін кірмейді",
     "The care is not in the package in force for this patient", False),
    ("UNKNOWN_ICD10", "reject", None, "Основной диагноз не является кодом МКБ-10",
     "Негізгі диагноз АХЖ-10 коды емес", "The main diagnosis is not an ICD-10 code", False),
    ("NO_CONTRACT", "reject", None,
     "Нет подписанной позиции договора на этот вид помощи и месяц",
     "Осы көмек түрі мен айға қол қойылған шарт позициясы жоқ",
     "No signed contract item for this type of care and month", False),
    ("NO_LICENCE", "reject", None, "Нет действующей лицензии на этот вид помощи",
     "Осы көмек түріне қолданыстағы лицензия жоқ",
     "No valid licence for this type of care", False),
    ("NO_TARIFF", "reject", None, "Нет тарифа, действующего на дату услуги",
     "Қызмет көрсету күні қолданыстағы тариф жоқ", "No tariff in force on the service date",
     False),
    ("AMOUNT_MISMATCH", "reject", None, "Предъявленная сумма не равна тарифу × количество",
     "Ұсынылған сома тариф × санға тең емес",
     "The amount claimed is not the tariff × quantity", False),
    ("DATES_INCONSISTENT", "reject", Decimal("10"),
     "Даты несогласованы: поступление позже выписки, вне года договора, в будущем "
     "или подано позже срока",
     "Күндер сәйкес емес: түсу шығудан кейін, шарт жылынан тыс, болашақта немесе "
     "мерзімнен кеш берілген",
     "Dates inconsistent: admission after discharge, outside the contract year, in the "
     "future or submitted after the deadline", True),
    ("DUPLICATE_SERVICE", "reject", None, "Та же услуга тому же пациенту в тот же день уже "
     "предъявлена", "Сол қызмет сол пациентке сол күні бұрын ұсынылған",
     "The same service for the same patient on the same day is claimed already", False),
    ("OVERLAPPING_STAY", "reject", None,
     "Пребывание в стационаре пересекается с пребыванием в другой организации",
     "Стационарда болу басқа ұйымдағы болумен қиылысады",
     "The inpatient stay overlaps a stay at another provider", False),
    ("OUTPATIENT_DURING_STAY", "reject", None,
     "Амбулаторная услуга во время пребывания в стационаре другой организации",
     "Басқа ұйымның стационарында болған кезде амбулаториялық қызмет",
     "An outpatient service during an inpatient stay at another provider", False),
    ("SEX_DIAGNOSIS", "review", None, "Диагноз не соответствует полу пациента",
     "Диагноз пациенттің жынысына сәйкес келмейді",
     "The diagnosis does not fit the patient's sex", True),
    ("AGE_DIAGNOSIS", "review", None, "Диагноз не соответствует возрасту пациента",
     "Диагноз пациенттің жасына сәйкес келмейді",
     "The diagnosis does not fit the patient's age", True),
]

# code, weight, parameter, ru, kk, en
INDICATORS = [
    ("READMISSION", Decimal("30"), Decimal("30"),
     "Повторная госпитализация с той же рубрикой МКБ-10 в течение 30 дней",
     "30 күн ішінде сол АХЖ-10 айдарымен қайта емдеуге жатқызу",
     "Readmission with the same ICD-10 category within 30 days"),
    ("STAY_DEVIATION", Decimal("20"), Decimal("2"),
     "Длительность пребывания далека от средней по КЗГ (более чем в 2 раза)",
     "Болу ұзақтығы КШТ бойынша орташадан алыс (2 еседен артық)",
     "Length of stay far from the КЗГ's mean (over 2 times)"),
    ("HIGH_SEVERITY_SHARE", Decimal("15"), Decimal("2"),
     "Доля высшей степени тяжести у организации более чем вдвое выше, чем у других",
     "Ұйымда ең жоғары ауырлық дәрежесінің үлесі басқалардан екі еседен артық",
     "The provider's share of the highest severity over twice its peers'"),
    ("HOLIDAY", Decimal("10"), None, "Услуга оказана в выходной или праздничный день",
     "Қызмет демалыс немесе мереке күні көрсетілген",
     "The service was given on a weekend or a public holiday"),
    ("PATIENT_REPORT", Decimal("1000"), None,
     "Пациент сообщил, что помощь не получал",
     "Пациент көмек алмағанын хабарлады",
     "The patient reported that the care did not happen"),
]

# code, share, ru, kk, en
DEFECTS = [
    ("D01", Decimal("1"), "Услуга не оказана (приписка)", "Қызмет көрсетілмеген (жалған жазба)",
     "Service not provided (padding)"),
    ("D02", Decimal("0.5"), "Необоснованная госпитализация", "Негізсіз емдеуге жатқызу",
     "Unjustified hospitalisation"),
    ("D03", Decimal("0.3"), "Завышение степени тяжести / КЗГ", "Ауырлық дәрежесін / КШТ асыру",
     "Severity or КЗГ overstated"),
    ("D04", Decimal("0.2"), "Несоблюдение клинического протокола",
     "Клиникалық хаттаманы сақтамау", "Clinical protocol not followed"),
    ("D05", Decimal("0.1"), "Дефекты оформления медицинской документации",
     "Медициналық құжаттаманы ресімдеу ақаулары", "Defects of medical records"),
    ("D06", Decimal("0.3"), "Необоснованное назначение лекарственных средств и изделий",
     "Дәрілік заттар мен бұйымдарды негізсіз тағайындау",
     "Unjustified prescription of medicines or devices"),
]

# from, to, sex, age_min, age_max, note (English), name in Russian, name in Kazakh
RESTRICTIONS = [
    ("N40", "N51", "M", None, None, "Male genital organs",
     "Болезни мужских половых органов", "Ер жыныс мүшелерінің аурулары"),
    ("C60", "C63", "M", None, None, "Malignant neoplasms of male genital organs",
     "Злокачественные новообразования мужских половых органов",
     "Ер жыныс мүшелерінің қатерлі ісіктері"),
    ("O00", "O99", "F", 10, 60, "Pregnancy, childbirth and the puerperium",
     "Беременность, роды и послеродовой период",
     "Жүктілік, босану және босанудан кейінгі кезең"),
    ("N70", "N98", "F", None, None, "Female pelvic and genital organs",
     "Болезни женских тазовых и половых органов",
     "Әйелдердің жамбас және жыныс мүшелерінің аурулары"),
    ("C51", "C58", "F", None, None, "Malignant neoplasms of female genital organs",
     "Злокачественные новообразования женских половых органов",
     "Әйел жыныс мүшелерінің қатерлі ісіктері"),
    ("P00", "P96", "", None, 17, "Conditions of the perinatal period (not for adults)",
     "Отдельные состояния перинатального периода (не для взрослых)",
     "Перинаталдық кезеңнің жекелеген жағдайлары (ересектер үшін емес)"),
]

# Public holidays of Kazakhstan with fixed dates (Labour Code art. 84; the Law on holidays).
HOLIDAYS = [
    ("01-01", "Жаңа жыл"), ("01-02", "Жаңа жыл"), ("03-08", "Халықаралық әйелдер күні"),
    ("03-21", "Наурыз мейрамы"), ("03-22", "Наурыз мейрамы"), ("03-23", "Наурыз мейрамы"),
    ("05-01", "Қазақстан халқының бірлігі мерекесі"), ("05-07", "Отан қорғаушы күні"),
    ("05-09", "Жеңіс күні"), ("07-06", "Астана күні"), ("08-30", "Конституция күні"),
    ("10-25", "Республика күні"), ("12-16", "Тәуелсіздік күні"),
]
REVIEW_SHARE = Decimal("0.05")


def load(apps=None):
    """Insert the rows above (apps: a migration's registry; None: the live models)."""
    if apps is None:
        from django.apps import apps as live

        apps = live
    get = apps.get_model
    for code, severity, parameter, ru, kk, en, assumption in RULES:
        get("monitoring", "ControlRule").objects.get_or_create(
            code=code, valid_from=FROM, defaults=dict(
                severity=severity, parameter=parameter, message_ru=ru, message_kk=kk,
                message_en=en, is_assumption=assumption))
    for code, weight, parameter, ru, kk, en in INDICATORS:
        get("monitoring", "RiskIndicator").objects.get_or_create(
            code=code, valid_from=FROM, defaults=dict(
                weight=weight, parameter=parameter, message_ru=ru, message_kk=kk, message_en=en))
    for code, share, ru, kk, en in DEFECTS:
        get("monitoring", "Defect").objects.get_or_create(
            code=code, valid_from=FROM, defaults=dict(
                deduction_share=share, name_ru=ru, name_kk=kk, name_en=en))
    restriction = get("monitoring", "DiagnosisRestriction")
    # Migration 0002's model has no names in ru/kk yet (0005 adds and fills them).
    named = any(f.name == "name_ru" for f in restriction._meta.get_fields())
    for low, high, sex, age_min, age_max, note, ru, kk in RESTRICTIONS:
        defaults = {"note": note, **({"name_ru": ru, "name_kk": kk} if named else {})}
        restriction.objects.get_or_create(
            icd10_from=low, icd10_to=high, sex=sex, age_min=age_min, age_max=age_max,
            defaults=defaults)
    for year in (2025, 2026, 2027):
        for day, name in HOLIDAYS:
            get("monitoring", "Holiday").objects.get_or_create(
                day=datetime.date.fromisoformat(f"{year}-{day}"), defaults={"name": name})
    get("monitoring", "ReviewShare").objects.get_or_create(valid_from=FROM,
                                                           defaults={"share": REVIEW_SHARE})
