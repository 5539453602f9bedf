"""The 17 oblasts and 3 cities of republican significance (2022 reform included).

КАТО: Классификатор административно-территориальных объектов (НК РК 11),
first two digits of the region, zero-padded to 9. Abai, Zhetisu and Ulytau
oblasts exist since 8 June 2022 (Decree of the President № 887 of 03.05.2022).
Populations are rounded 2024 estimates of the Bureau of National Statistics,
kept only to weight the demo population. Loaded by migration core/0002.
"""

import datetime

REGIONS = [
    # kato, name_ru, name_kk, name_en, kind, centre, population, established
    ("100000000", "Абайская область", "Абай облысы", "Abai Region", "oblast", "Семей", 603000, datetime.date(2022, 6, 8)),
    ("110000000", "Акмолинская область", "Ақмола облысы", "Akmola Region", "oblast", "Кокшетау", 788000, None),
    ("150000000", "Актюбинская область", "Ақтөбе облысы", "Aktobe Region", "oblast", "Актобе", 930000, None),
    ("190000000", "Алматинская область", "Алматы облысы", "Almaty Region", "oblast", "Конаев", 1530000, None),
    ("230000000", "Атырауская область", "Атырау облысы", "Atyrau Region", "oblast", "Атырау", 700000, None),
    ("270000000", "Западно-Казахстанская область", "Батыс Қазақстан облысы", "West Kazakhstan Region", "oblast", "Уральск", 690000, None),
    ("310000000", "Жамбылская область", "Жамбыл облысы", "Zhambyl Region", "oblast", "Тараз", 1210000, None),
    ("330000000", "Область Жетісу", "Жетісу облысы", "Zhetisu Region", "oblast", "Талдыкорган", 698000, datetime.date(2022, 6, 8)),
    ("350000000", "Карагандинская область", "Қарағанды облысы", "Karaganda Region", "oblast", "Караганда", 1130000, None),
    ("390000000", "Костанайская область", "Қостанай облысы", "Kostanay Region", "oblast", "Костанай", 830000, None),
    ("430000000", "Кызылординская область", "Қызылорда облысы", "Kyzylorda Region", "oblast", "Кызылорда", 830000, None),
    ("470000000", "Мангистауская область", "Маңғыстау облысы", "Mangystau Region", "oblast", "Актау", 780000, None),
    ("550000000", "Павлодарская область", "Павлодар облысы", "Pavlodar Region", "oblast", "Павлодар", 750000, None),
    ("590000000", "Северо-Казахстанская область", "Солтүстік Қазақстан облысы", "North Kazakhstan Region", "oblast", "Петропавловск", 530000, None),
    ("610000000", "Туркестанская область", "Түркістан облысы", "Turkistan Region", "oblast", "Туркестан", 2100000, None),
    ("620000000", "Область Ұлытау", "Ұлытау облысы", "Ulytau Region", "oblast", "Жезказган", 220000, datetime.date(2022, 6, 8)),
    ("630000000", "Восточно-Казахстанская область", "Шығыс Қазақстан облысы", "East Kazakhstan Region", "oblast", "Усть-Каменогорск", 730000, None),
    ("710000000", "город Астана", "Астана қаласы", "Astana", "city", "Астана", 1420000, None),
    ("750000000", "город Алматы", "Алматы қаласы", "Almaty", "city", "Алматы", 2250000, None),
    ("790000000", "город Шымкент", "Шымкент қаласы", "Shymkent", "city", "Шымкент", 1220000, None),
]
