"""The categories and status policy as first loaded (migration 0002); edit them in the admin.

Sources: law № 405-V «Об ОСМС» art. 5, 26 §1, 26-1, 28 §7 as amended by laws
№ 206-VIII and № 215-VIII (in force 1 Jan 2026); the Fund's explanatory decks
(docs/domain.md §4–5). Dates marked "verify" in ``legal_basis`` are the best reading
of the decks and are kept as data so an operator can correct them without a release.
"""

import datetime

D = datetime.date
LAUNCH = D(2017, 7, 1)          # ОСМС in force: first deductions
EXCLUDED_2020 = D(2019, 12, 31)  # amendments in force 1 Jan 2020 (verify)
BEFORE_2026 = D(2025, 12, 31)
REFORM_2026 = D(2026, 1, 1)
LAW = "Закон РК № 405-V от 16.11.2015, ст. 26 п. 1"
LAW_2026 = "Закон РК № 405-V, ст. 26-1 (закон № 206-VIII от 14.07.2025)"

LABOUR, CORP, DERIVED = "labour_is", "state_corporation", "derived"
REP, LOCAL = "republican", "local_budget"

# code, ru, kk, en, age limit, terms [(from, to, payer, partner, documents, basis)]
CATEGORIES = [
    ("children", "Дети до 18 лет", "18 жасқа дейінгі балалар", "Children under 18", 18,
     [(LAUNCH, None, REP, DERIVED, "Свидетельство о рождении (ИИН)", LAW)]),
    ("students", "Обучающиеся по очной форме (ТиПО, послесреднее, высшее, послевузовское)",
     "Күндізгі оқу нысаны бойынша білім алушылар (ТжКБ, орта білімнен кейінгі, жоғары, "
     "жоғары оқу орнынан кейінгі)",
     "Full-time students (vocational, post-secondary, higher, post-graduate)", None,
     [(LAUNCH, None, REP, CORP, "Справка с места учёбы (очная форма)", LAW)]),
    ("pregnant_non_working", "Неработающие беременные женщины",
     "Жұмыс істемейтін жүкті әйелдер", "Non-working pregnant women", None,
     [(LAUNCH, None, REP, CORP, "Справка о беременности; нет пенсионных и социальных "
       "отчислений за 2 последних месяца", LAW)]),
    ("parent_child_under_3", "Неработающий родитель, воспитывающий ребёнка до 3 лет",
     "Үш жасқа дейінгі баланы тәрбиелеп отырған жұмыс істемейтін ата-ананың бірі",
     "One non-working parent raising a child under 3", None,
     [(LAUNCH, None, REP, LABOUR, "Свидетельство о рождении ребёнка", LAW)]),
    ("childcare_leave", "Лица в отпуске по беременности и родам, усыновлению, уходу за "
     "ребёнком до 3 лет", "Жүктілік пен босануға, бала асырап алуға, 3 жасқа дейінгі баланы "
     "күтуге байланысты демалыстағы адамдар",
     "Maternity, adoption or childcare leave until the child is 3", None,
     [(LAUNCH, None, REP, LABOUR, "Приказ работодателя об отпуске", LAW)]),
    ("carer", "Неработающие лица, ухаживающие за ребёнком с инвалидностью или лицом с "
     "инвалидностью I группы", "Мүгедектігі бар баланы немесе бірінші топтағы мүгедектігі бар "
     "адамды күтіп-бағатын жұмыс істемейтін адамдар",
     "Non-working carers of a disabled child or a group-I disabled person", None,
     [(LAUNCH, None, REP, LABOUR, "Решение о назначении пособия по уходу", LAW)]),
    ("pensioners", "Получатели пенсионных выплат, в том числе ветераны Великой "
     "Отечественной войны", "Зейнетақы төлемдерін алушылар, оның ішінде Ұлы Отан соғысының "
     "ардагерлері", "Pension recipients, including WWII veterans", None,
     [(LAUNCH, None, REP, LABOUR, "Решение о назначении пенсии", LAW)]),
    ("prisoners", "Лица, отбывающие наказание (кроме учреждений минимальной безопасности)",
     "Жазасын өтеп жатқан адамдар (қауіпсіздігі барынша төмен мекемелерді қоспағанда)",
     "People serving sentences (except minimum-security institutions)", None,
     [(LAUNCH, None, REP, CORP, "Сведения уголовно-исполнительной системы", LAW)]),
    ("detained", "Лица в следственных изоляторах и неработающие лица под домашним арестом",
     "Тергеу изоляторларындағы адамдар және үй қамағындағы жұмыс істемейтін адамдар",
     "People in pre-trial detention and non-working people under house arrest", None,
     [(LAUNCH, None, REP, CORP, "Сведения МВД", LAW)]),
    ("mothers_many_children", "Многодетные матери, награждённые «Алтын алқа», «Күміс алқа», "
     "«Мать-героиня», «Ана даңқы» I и II степени", "«Алтын алқа», «Күміс алқа» алқаларымен, "
     "«Батыр ана», I және II дәрежелі «Ана даңқы» ордендерімен марапатталған көпбалалы аналар",
     "Mothers of many children with «Altyn alka», «Kumis alka», «Batyr ana», «Ana dankhy»",
     None, [(LAUNCH, None, REP, LABOUR, "Удостоверение к награде", LAW)]),
    ("kandas_non_working", "Неработающие кандасы", "Жұмыс істемейтін қандастар",
     "Non-working kandases", None,
     [(LAUNCH, None, REP, LABOUR, "Удостоверение кандаса", LAW)]),
    ("disabled", "Лица с инвалидностью", "Мүгедектігі бар адамдар",
     "People with disabilities", None,
     [(LAUNCH, None, REP, LABOUR, "Справка МСЭ об инвалидности", LAW)]),
    ("targeted_assistance", "Неработающие получатели адресной социальной помощи",
     "Атаулы әлеуметтік көмек алушы жұмыс істемейтін адамдар",
     "Non-working recipients of targeted social assistance", None,
     [(LAUNCH, None, REP, LABOUR, "Решение о назначении АСП", LAW)]),
    ("unemployed", "Зарегистрированные безработные", "Тіркелген жұмыссыздар",
     "Registered unemployed", None,
     [(LAUNCH, BEFORE_2026, REP, LABOUR, "Справка центра занятости", LAW + " (verify end)"),
      (REFORM_2026, None, LOCAL, LABOUR, "Справка центра занятости", LAW_2026)]),
    ("welfare_d", "Неработающие лица уровня социального благополучия D (кризисный)",
     "Әлеуметтік әл-ауқаты D (дағдарыстық) деңгейіндегі жұмыс істемейтін адамдар",
     "Non-working people of welfare level D (crisis)", None,
     [(REFORM_2026, None, LOCAL, LABOUR, "Цифровая карта семьи: уровень D; нет пенсионных "
       "взносов за 3 последних месяца", LAW_2026)]),
    ("welfare_e", "Неработающие лица уровня социального благополучия E (экстренный)",
     "Әлеуметтік әл-ауқаты E (төтенше) деңгейіндегі жұмыс істемейтін адамдар",
     "Non-working people of welfare level E (emergency)", None,
     [(REFORM_2026, None, LOCAL, LABOUR, "Цифровая карта семьи: уровень E; нет пенсионных "
       "взносов за 3 последних месяца", LAW_2026)]),
    ("military", "Военнослужащие", "Әскери қызметшілер", "Military servicemen", None,
     [(LAUNCH, EXCLUDED_2020, REP, CORP, "Справка воинской части", LAW + " (2015; verify end)")]),
    ("special_state_bodies", "Сотрудники специальных государственных органов",
     "Арнаулы мемлекеттік органдардың қызметкерлері", "Employees of special state bodies",
     None, [(LAUNCH, EXCLUDED_2020, REP, CORP, "Справка органа", LAW + " (2015; verify end)")]),
    ("law_enforcement", "Сотрудники правоохранительных органов",
     "Құқық қорғау органдарының қызметкерлері", "Law-enforcement employees", None,
     [(LAUNCH, EXCLUDED_2020, REP, CORP, "Справка органа", LAW + " (2015; verify end)")]),
    ("boarding_institutions", "Лица, находящиеся в медико-социальных учреждениях",
     "Медициналық-әлеуметтік мекемелердегі адамдар",
     "People in boarding (medical and social) institutions", None,
     [(LAUNCH, EXCLUDED_2020, REP, LABOUR, "Справка учреждения", LAW + " (2015; verify end)")]),
]

# valid_from, valid_to, window, grace, lag, retention after, retention, prepay ahead, temporary
POLICIES = [
    (D(2020, 1, 1), D(2022, 8, 31), 12, 3, 1, None, 0, 0, 1,
     "Закон № 405-V ст. 5 (статус с 01.01.2020)"),
    (D(2022, 9, 1), BEFORE_2026, 12, 3, 1, None, 0, 12, 1,
     "ст. 5: предоплата 12 месяцев для лиц, уплачивающих взносы самостоятельно (с 09.2022)"),
    (REFORM_2026, None, 12, 3, 1, 60, 6, 12, 1,
     "ст. 5 в ред. закона № 206-VIII: 6 месяцев после 60 месяцев непрерывной уплаты"),
]

# citizenship, categories apply, payments apply, note
RESIDENCY = [
    ("citizen", True, True, "Граждане РК"),
    ("kandas", True, True, "Кандасы: права граждан; неработающие — за счёт государства"),
    ("foreign_permanent", True, True, "Постоянно проживающие иностранцы: права граждан"),
    ("stateless", True, True, "Постоянно проживающие лица без гражданства: права граждан"),
    ("foreign_temporary", False, True,
     "Временно пребывающие иностранцы: нет ГОБМП и льготных категорий; работающие — "
     "на общих основаниях"),
]
RESIDENCY_FROM = D(2020, 1, 1)
