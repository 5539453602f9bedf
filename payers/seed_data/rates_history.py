"""The rate history of docs/domain.md §3, as loaded by migration payers/0004 (2017 onwards).

Each row: (valid_from, value, confirmed, source). ``confirmed=False`` marks a
value to verify (docs/domain.md §11) that could not be confirmed from a public
primary source while writing this: the admin flags those rows for an operator.
Later corrections are made in the admin (with history), never here.
"""

import datetime

D = datetime.date
LAW = "Закон РК № 405-V от 16.11.2015 «Об ОСМС»"
LAW_2026 = LAW + ", в ред. законов № 206-VIII (14.07.2025) и № 215-VIII (18.07.2025)"
BUDGET = "Закон РК о республиканском бюджете на {year} год"
UNCONFIRMED = "Только вторичные источники; сверить с первичным актом."

MZP = [
    (D(2017, 1, 1), "24459", False, BUDGET.format(year="2017-2019") + ". " + UNCONFIRMED),
    (D(2018, 1, 1), "28284", True, BUDGET.format(year="2018-2020")),
    (D(2019, 1, 1), "42500", True, BUDGET.format(year="2019-2021")),
    (D(2022, 1, 1), "60000", True, BUDGET.format(year="2022-2024")),
    (D(2023, 1, 1), "70000", True, BUDGET.format(year="2023-2025")),
    (D(2024, 1, 1), "85000", True, BUDGET.format(year="2024-2026")),
]

MRP = [
    (D(2017, 1, 1), "2269", False, BUDGET.format(year="2017-2019") + ". " + UNCONFIRMED),
    (D(2018, 1, 1), "2405", False, BUDGET.format(year="2018-2020") + ". " + UNCONFIRMED),
    (D(2019, 1, 1), "2525", False, BUDGET.format(year="2019-2021") + ". " + UNCONFIRMED),
    (D(2020, 1, 1), "2651", False, BUDGET.format(year="2020-2022") + ". " + UNCONFIRMED),
    (D(2020, 4, 1), "2778", False, "Изменения в бюджет 2020 года (с 01.04.2020). " + UNCONFIRMED),
    (D(2021, 1, 1), "2917", False, BUDGET.format(year="2021-2023") + ". " + UNCONFIRMED),
    (D(2022, 1, 1), "3063", False, BUDGET.format(year="2022-2024") + ". " + UNCONFIRMED),
    (D(2022, 4, 1), "3180", False, "Изменения в бюджет 2022 года (с 01.04.2022). " + UNCONFIRMED),
    (D(2023, 1, 1), "3450", True, BUDGET.format(year="2023-2025")),
    (D(2024, 1, 1), "3692", True, BUDGET.format(year="2024-2026")),
    (D(2025, 1, 1), "3932", True, BUDGET.format(year="2025-2027")),
    (D(2026, 1, 1), "4325", True, BUDGET.format(year="2026-2028")),
]

_STAT = "Бюро национальной статистики АСПиР РК, среднемесячная номинальная заработная плата за год"
AVERAGE_WAGE = [
    (D(2015, 1, 1), "126021", False, _STAT + ". " + UNCONFIRMED),
    (D(2016, 1, 1), "142898", False, _STAT + ". " + UNCONFIRMED),
    (D(2017, 1, 1), "150827", False, _STAT + ". " + UNCONFIRMED),
    (D(2018, 1, 1), "162673", False, _STAT + ". " + UNCONFIRMED),
    (D(2019, 1, 1), "186815", False, _STAT + ". " + UNCONFIRMED),
    (D(2020, 1, 1), "213003", False, _STAT + ". " + UNCONFIRMED),
    (D(2021, 1, 1), "250311", False, _STAT + ". " + UNCONFIRMED),
    (D(2022, 1, 1), "309611", False, _STAT + "; stat.gov.kz 08.06.2023: «по итогам 2022 года "
     "средняя заработная плата составила 310 тыс. тг» (точную цифру подтвердить)."),
    (D(2023, 1, 1), "363373", False, _STAT + ". " + UNCONFIRMED),
    (D(2024, 1, 1), "397456", False, _STAT + ". " + UNCONFIRMED),
]

_NB = "Постановление Комитета по ДКП Национального Банка РК об установлении базовой ставки"
NB_BASE_RATE = [
    (D(2017, 2, 20), "11.00", False, _NB + ". " + UNCONFIRMED),
    (D(2017, 4, 10), "10.50", False, _NB + ". " + UNCONFIRMED),
    (D(2017, 6, 5), "10.25", False, _NB + ". " + UNCONFIRMED),
    (D(2018, 2, 27), "9.50", False, _NB + ". " + UNCONFIRMED),
    (D(2018, 4, 16), "9.25", False, _NB + ". " + UNCONFIRMED),
    (D(2018, 6, 5), "9.00", False, _NB + ". " + UNCONFIRMED),
    (D(2018, 10, 16), "9.25", False, _NB + ". " + UNCONFIRMED),
    (D(2019, 9, 9), "9.00", False, _NB + ". " + UNCONFIRMED),
    (D(2020, 3, 10), "12.00", False, _NB + ". " + UNCONFIRMED),
    (D(2020, 4, 3), "9.50", False, _NB + ". " + UNCONFIRMED),
    (D(2020, 7, 21), "9.00", False, _NB + ". " + UNCONFIRMED),
    (D(2021, 1, 26), "9.00", True, _NB + " от 22.01.2021 № 1 (с 26.01.2021, 9,00 % годовых)."),
    (D(2021, 7, 26), "9.25", False, _NB + ". " + UNCONFIRMED),
    (D(2021, 9, 13), "9.50", False, _NB + ". " + UNCONFIRMED),
    (D(2021, 10, 25), "9.75", False, _NB + ". " + UNCONFIRMED),
    (D(2022, 1, 24), "10.25", False, _NB + ". " + UNCONFIRMED),
    (D(2022, 2, 24), "13.50", False, _NB + ". " + UNCONFIRMED),
    (D(2022, 4, 26), "14.00", False, _NB + ". " + UNCONFIRMED),
    (D(2022, 7, 26), "14.50", False, _NB + ". " + UNCONFIRMED),
    (D(2022, 10, 26), "16.00", False, _NB + ". " + UNCONFIRMED),
    (D(2022, 12, 5), "16.75", True, "nationalbank.kz, график решений по базовой ставке: "
     "16,75 % на 16.01.2023, 27.02.2023, 10.04.2023, 29.05.2023."),
    (D(2023, 8, 28), "16.50", False, _NB + ". " + UNCONFIRMED),
    (D(2023, 10, 9), "16.00", False, _NB + ". " + UNCONFIRMED),
    (D(2023, 11, 27), "15.75", False, _NB + ". " + UNCONFIRMED),
    (D(2024, 1, 15), "15.25", False, _NB + ". " + UNCONFIRMED),
    (D(2024, 3, 4), "14.75", False, _NB + ". " + UNCONFIRMED),
    (D(2024, 7, 15), "14.25", False, _NB + ". " + UNCONFIRMED),
    (D(2024, 11, 29), "15.25", False, _NB + ". " + UNCONFIRMED),
    (D(2025, 3, 10), "16.50", False, _NB + ". " + UNCONFIRMED),
    (D(2025, 10, 13), "18.00", False, _NB + ". " + UNCONFIRMED),
]

# (payer_type, kind, valid_from, rate, base, base_multiple, lag_years, min_mzp, max_mzp,
#  confirmed, source)
_ART27 = LAW + ", ст. 27 (ставки отчислений и взносов)"
_ART28 = LAW + ", ст. 28 (взносы физических лиц)"
_ART26 = LAW_2026 + ", ст. 26, 26-1 (взносы государства и местных бюджетов)"
_CAP10 = "Предел 10 МЗП (ст. 29; в прежней редакции — 15 МЗП)."
CONTRIBUTION_RATES = [
    ("employee", "employer_deduction", D(2017, 7, 1), "0.0100", "income", "1", 0, None, "10",
     False, _ART27 + ". " + _CAP10 + " " + UNCONFIRMED),
    ("employee", "employer_deduction", D(2018, 1, 1), "0.0150", "income", "1", 0, None, "10",
     False, _ART27 + ". " + _CAP10 + " " + UNCONFIRMED),
    ("employee", "employer_deduction", D(2020, 1, 1), "0.0200", "income", "1", 0, None, "10",
     True, _ART27 + ". " + _CAP10),
    ("employee", "employer_deduction", D(2022, 1, 1), "0.0300", "income", "1", 0, None, "10",
     True, _ART27 + ". " + _CAP10),
    ("employee", "employer_deduction", D(2026, 1, 1), "0.0300", "income", "1", 0, None, "40",
     True, LAW_2026 + ": cap 40 МЗП from 01.01.2026."),
    ("employee", "employee_contribution", D(2020, 1, 1), "0.0100", "income", "1", 0, None, "10",
     True, _ART28 + ". " + _CAP10),
    ("employee", "employee_contribution", D(2021, 1, 1), "0.0200", "income", "1", 0, None, "10",
     False, _ART28 + ". 2 % from 2021 or 2022: " + UNCONFIRMED),
    ("employee", "employee_contribution", D(2026, 1, 1), "0.0200", "income", "1", 0, None, "20",
     True, LAW_2026 + ": cap 20 МЗП from 01.01.2026."),
    ("civil_contract", "civil_contract_contribution", D(2020, 1, 1), "0.0100", "income", "1", 0,
     None, "10", True, _ART28 + " (удерживает налоговый агент, как за работников)."),
    ("civil_contract", "civil_contract_contribution", D(2021, 1, 1), "0.0200", "income", "1", 0,
     None, "10", False, _ART28 + ". " + UNCONFIRMED),
    ("civil_contract", "civil_contract_contribution", D(2026, 1, 1), "0.0200", "income", "1", 0,
     None, "20", True, LAW_2026 + ": as employees, cap 20 МЗП."),
    ("individual_entrepreneur", "self_employed_contribution", D(2020, 1, 1), "0.0500",
     "mzp_multiple", "1.4", 0, None, None, True,
     _ART28 + ": 5 % of 1.4 МЗП (2 975 ₸ in 2020, 4 900 ₸ in 2023, 5 950 ₸ in 2024–2026)."),
    ("private_practice", "self_employed_contribution", D(2020, 1, 1), "0.0500",
     "mzp_multiple", "1.4", 0, None, None, True,
     _ART28 + ": notaries, bailiffs, lawyers, mediators as entrepreneurs."),
    ("self_payer", "self_payer_contribution", D(2020, 1, 1), "0.0500", "mzp_multiple", "1", 0,
     None, None, True,
     _ART28 + ": 5 % of 1 МЗП (3 000 ₸ in 2022, 3 500 ₸ in 2023, 4 250 ₸ in 2024–2026)."),
    ("platform", "platform_contribution", D(2026, 1, 1), "0.0100", "income", "1", 0, None, "20",
     False, LAW_2026 + ": 1 % удерживает платформа, предел 20 МЗП. " + UNCONFIRMED),
    ("local_budget", "local_budget_contribution", D(2026, 1, 1), "0.0200",
     "regional_average_wage", "1", 2, None, None, False,
     _ART26 + ": 2 % от средней заработной платы по региону; год базы "
     "принят как для государства. " + UNCONFIRMED),
]
_STATE_STEPS = [
    (D(2020, 1, 1), "0.0140", False), (D(2021, 1, 1), "0.0160", False),
    (D(2022, 1, 1), "0.0170", True), (D(2023, 1, 1), "0.0180", True),
    (D(2024, 1, 1), "0.0190", False), (D(2025, 1, 1), "0.0200", True),
]
# 2.2 % in 2027 rising to 4.7 % in 2037: the sources give the ends, the even
# 0.25-point yearly steps between them are an assumption to confirm.
_STATE_STEPS += [
    (D(2027 + i, 1, 1), f"{0.022 + 0.0025 * i:.4f}", i in (0, 10)) for i in range(11)
]
for _valid_from, _rate, _confirmed in _STATE_STEPS:
    CONTRIBUTION_RATES.append(
        ("state", "state_contribution", _valid_from, _rate, "average_wage", "1", 2, None, None,
         _confirmed, _ART26 + ": от средней заработной платы за позапрошлый год."
         + ("" if _confirmed else " " + UNCONFIRMED))
    )

# (knp, kind, name, first period, months ahead, confirmed, source)
_KNP = "Классификатор кодов назначения платежей (Правила применения КНП, НБ РК)"
KNP_CODES = [
    ("121", "employer_deduction", "Отчисления на ОСМС", D(2017, 7, 1), 0, True, _KNP),
    ("122", "employee_contribution", "Взносы на ОСМС", D(2020, 1, 1), 12, True,
     _KNP + ". Уплата за себя (плательщик = ИИН) — взнос ИП или самостоятельного "
     "плательщика; самостоятельные плательщики могут оплатить 12 месяцев вперёд."),
    ("123", "penalty", "Пеня по отчислениям на ОСМС", D(2017, 7, 1), 0, False,
     _KNP + ". " + UNCONFIRMED),
    ("124", "penalty", "Пеня по взносам на ОСМС", D(2020, 1, 1), 0, False,
     _KNP + ". " + UNCONFIRMED),
]

PENALTY_RULES = [
    (D(2017, 7, 1), "1.25", "365", 25, False,
     LAW + ", ст. 29; Приказ МЗ РК № 478 от 30.06.2017: 1,25 × базовая ставка НБ РК за каждый "
     "день просрочки, срок — 25-е число следующего месяца. Расчёт по дням (годовая ставка / 365) "
     "в источниках не указан: " + UNCONFIRMED),
]
