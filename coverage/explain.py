"""Plain-language explanations of a ``rules.Decision`` in Russian and Kazakh.

They name the months paid or the category that decided the status, and never
a name or an amount (the status API shows them to partners).
"""

import datetime

from osms.core.formatting import month_year

from .rules import Decision


def month_ru(day: datetime.date, case: str = "nominative") -> str:
    """«сентябрь 2025»; «сентября 2025» after «с» (genitive)."""
    return month_year(day, case, language="ru")


def month_kk(day: datetime.date, case: str = "nominative") -> str:
    """«2025 жылғы қыркүйек»; «… қыркүйектен» before «бастап» (ablative), «… қыркүйекті»
    before «қоса» (accusative)."""
    return month_year(day, case, language="kk")


def date_text(day: datetime.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def _until_ru(d: Decision) -> str:
    return f" Статус действует по {date_text(d.valid_until)}." if d.valid_until else (
        " Статус действует бессрочно, пока сохраняется категория.")


def _until_kk(d: Decision) -> str:
    return f" Мәртебе {date_text(d.valid_until)} дейін жарамды." if d.valid_until else (
        " Санат сақталғанша мәртебе мерзімсіз жарамды.")


def explanation_ru(d: Decision) -> str:
    reason = d.reason
    if reason == "deceased":
        return "Не застрахован: человек умер."
    if reason in ("child", "category", "temporary"):
        name = d.category.name_ru if d.category else ""
        budget = "за счёт республиканского бюджета" if d.basis == "benefit_category" else (
            "за счёт местного бюджета")
        if reason == "child":
            head = "Застрахован как ребёнок до 18 лет (по дате рождения в ИИН), " + budget + "."
        elif reason == "temporary":
            head = (f"Застрахован временно по документу «{d.membership.document}» на время "
                    f"проверки категории «{name}», {budget}.")
        else:
            head = f"Застрахован по льготной категории «{name}», {budget}."
        return head + _until_ru(d)
    if reason == "no_rights":
        return "Не застрахован: правила для этого вида проживания не дают статуса."
    if reason == "no_rights_unpaid":
        return ("Не застрахован: временно пребывающим иностранцам ГОБМП и льготные категории "
                "не положены, а взносы за них не поступали.")
    if reason == "unpaid":
        return (f"Не застрахован: взносов за последние {d.policy.debt_window_months} месяцев нет, "
                "льготной категории нет.")
    if reason == "prepaid_later":
        return (f"Не застрахован в текущем месяце: предоплата внесена начиная с "
                f"{month_ru(d.next_paid, 'genitive')}, статус начнётся с 1-го числа этого месяца.")
    if reason == "payments":
        return (f"Застрахован: взносы уплачены по {month_ru(d.paid_through)}, задолженности "
                f"за последние {d.policy.debt_window_months} месяцев нет.{_until_ru(d)}")
    if reason == "prepayment":
        return (f"Застрахован: текущий месяц оплачен заранее (предоплата), взносы уплачены по "
                f"{month_ru(d.paid_through)}.{_until_ru(d)}")
    if reason == "grace":
        return (f"Застрахован в льготный период {d.policy.grace_months} мес. после последнего оплаченного месяца "
                f"({month_ru(d.paid_through)}); не уплачено с {month_ru(d.first_unpaid, 'genitive')}."
                f"{_until_ru(d)}")
    if reason == "retention":
        return (f"Застрахован: статус сохраняется {d.policy.retention_months} мес. после "
                f"{d.policy.retention_after_months} мес. непрерывной уплаты; "
                f"последний оплаченный месяц — {month_ru(d.paid_through)}.{_until_ru(d)}")
    if d.paid_through:
        return (f"Не застрахован: взносы уплачены только по {month_ru(d.paid_through)}, "
                f"долг с {month_ru(d.first_unpaid, 'genitive')} больше льготных {d.policy.grace_months} мес. Оплатите "
                f"пропущенные месяцы, чтобы восстановить статус.")
    return (f"Не застрахован: последний оплаченный месяц — {month_ru(d.last_paid)}, "
            f"в последние {d.policy.debt_window_months} месяцев взносов нет.")


def explanation_kk(d: Decision) -> str:
    reason = d.reason
    if reason == "deceased":
        return "Сақтандырылмаған: адам қайтыс болған."
    if reason in ("child", "category", "temporary"):
        name = d.category.name_kk if d.category else ""
        budget = "республикалық бюджет есебінен" if d.basis == "benefit_category" else (
            "жергілікті бюджет есебінен")
        if reason == "child":
            head = "18 жасқа толмаған бала ретінде (ЖСН-дағы туған күні бойынша) " + budget + (
                " сақтандырылған.")
        elif reason == "temporary":
            head = (f"«{name}» санаты тексерілгенше «{d.membership.document}» құжаты бойынша "
                    f"{budget} уақытша сақтандырылған.")
        else:
            head = f"«{name}» жеңілдікті санаты бойынша {budget} сақтандырылған."
        return head + _until_kk(d)
    if reason == "no_rights":
        return "Сақтандырылмаған: осы тұру түріне арналған ережелер мәртебе бермейді."
    if reason == "no_rights_unpaid":
        return ("Сақтандырылмаған: уақытша болатын шетелдіктерге ТМККК мен жеңілдікті санаттар "
                "берілмейді, ал олар үшін жарналар түспеген.")
    if reason == "unpaid":
        return (f"Сақтандырылмаған: соңғы {d.policy.debt_window_months} айда жарналар жоқ, "
                "жеңілдікті санат жоқ.")
    if reason == "prepaid_later":
        return (f"Ағымдағы айда сақтандырылмаған: алдын ала төлем {month_kk(d.next_paid, 'ablative')} "
                f"бастап енгізілген, мәртебе сол айдың 1-күнінен басталады.")
    if reason == "payments":
        return (f"Сақтандырылған: жарналар {month_kk(d.paid_through, 'accusative')} қоса алғанда төленген, соңғы "
                f"{d.policy.debt_window_months} айда берешек жоқ.{_until_kk(d)}")
    if reason == "prepayment":
        return (f"Сақтандырылған: ағымдағы ай алдын ала төленген, жарналар "
                f"{month_kk(d.paid_through, 'accusative')} қоса алғанда төленген.{_until_kk(d)}")
    if reason == "grace":
        return (f"Соңғы төленген айдан ({month_kk(d.paid_through)}) кейінгі {d.policy.grace_months} айлық "
                f"жеңілдік "
                f"кезеңінде сақтандырылған; {month_kk(d.first_unpaid, 'ablative')} бастап төленбеген."
                f"{_until_kk(d)}")
    if reason == "retention":
        return (f"Сақтандырылған: {d.policy.retention_after_months} ай үздіксіз төлегеннен кейін "
                f"мәртебе {d.policy.retention_months} ай сақталады; "
                f"соңғы төленген ай — {month_kk(d.paid_through)}.{_until_kk(d)}")
    if d.paid_through:
        return (f"Сақтандырылмаған: жарналар тек {month_kk(d.paid_through, 'accusative')} қоса алғанда төленген, "
                f"{month_kk(d.first_unpaid, 'ablative')} бастап берешек {d.policy.grace_months} айлық жеңілдіктен "
                f"асады. "
                f"Мәртебені қалпына келтіру үшін өткізілген айларды төлеңіз.")
    return (f"Сақтандырылмаған: соңғы төленген ай — {month_kk(d.last_paid)}, соңғы "
            f"{d.policy.debt_window_months} айда жарналар жоқ.")
