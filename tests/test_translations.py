"""The admin chrome (Unfold, Django admin/auth, import-export, simple-history, celery-beat)
and the API messages (Django REST framework) are fully Russian and fully Kazakh.

Unfold ships no catalogue and Django's own kk catalogues are partial, so the project-level
catalogue in ``locale/`` (first in LOCALE_PATHS) fills every gap. The completeness tests
extract every translatable string from the installed packages the same way makemessages
does (templates through Django's ``templatize``, Python through the AST) and require a
Russian and a Kazakh translation for each, so a package upgrade that brings new strings
fails here instead of showing English to an operator.
"""

import ast
import json
import re
from functools import cache
from pathlib import Path

import django
import django_celery_beat
import import_export
import pytest
import rest_framework
import simple_history
import unfold
from django.utils import translation
from django.utils.translation import trans_real
from django.utils.translation.template import templatize

DJANGO = Path(django.__file__).parent

# Packages whose strings reach the admin: (root, sub-paths to scan; empty = the whole root).
SOURCES = {
    "unfold": (Path(unfold.__file__).parent, []),
    "import_export": (Path(import_export.__file__).parent, []),
    "simple_history": (Path(simple_history.__file__).parent, []),
    "django_celery_beat": (Path(django_celery_beat.__file__).parent, []),
    "rest_framework": (Path(rest_framework.__file__).parent, []),
    "django.contrib": (
        DJANGO / "contrib",
        ["admin", "auth", "contenttypes", "sessions", "humanize", "messages", "staticfiles"],
    ),
    "django": (
        DJANGO,
        ["conf/global_settings.py", "core", "db", "forms", "utils", "views", "template", "http"],
    ),
}
SKIP_DIRS = {"tests", "migrations", "locale", "__pycache__", "static", "management"}

# xgettext keywords used by makemessages: name -> (context arg index or None, singular, plural)
KEYWORDS = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
_LITERAL = r"""u?(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
_TEMPLATE_CALL = re.compile(
    r"(?<![\w.])(n?p?gettext|_)\(\s*(%s(?:\s*,\s*%s)*)" % (_LITERAL, _LITERAL)  # noqa: UP031
)


def _files(root, subpaths):
    targets = [root / sub for sub in subpaths] if subpaths else [root]
    for target in targets:
        candidates = [target] if target.is_file() else target.rglob("*")
        for path in candidates:
            if path.suffix in (".py", ".html", ".txt") and not SKIP_DIRS & set(path.parts):
                yield path


def _from_python(source):
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in KEYWORDS:
            continue
        ctx_i, sing_i, plural_i = KEYWORDS[name]
        needed = [i for i in (ctx_i, sing_i, plural_i) if i is not None]
        args = node.args
        if len(args) <= max(needed) or not all(
            isinstance(args[i], ast.Constant) and isinstance(args[i].value, str) for i in needed
        ):
            continue
        yield (
            args[ctx_i].value if ctx_i is not None else None,
            args[sing_i].value,
            args[plural_i].value if plural_i is not None else None,
        )


def _from_template(source, origin):
    for match in _TEMPLATE_CALL.finditer(templatize(source, origin=origin)):
        name = match.group(1)
        literals = [ast.literal_eval(s) for s in re.findall(_LITERAL, match.group(2))]
        context = literals.pop(0) if name.startswith(("pgettext", "npgettext")) else None
        plural = literals[1] if name.startswith(("ngettext", "npgettext")) else None
        yield context, literals[0], plural


@cache
def extract(package):
    root, subpaths = SOURCES[package]
    found = set()
    for path in _files(root, subpaths):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            found.update(_from_python(text))
        elif "{% trans" in text or "{% blocktrans" in text or "_(" in text:
            found.update(_from_template(text, str(path)))
    return frozenset(entry for entry in found if entry[1])


def _untranslated(lang, entries):
    catalog = trans_real.translation(lang)._catalog
    missing = []
    for context, msgid, plural in sorted(entries, key=lambda e: (e[1], e[0] or "")):
        key = f"{context}\x04{msgid}" if context else msgid
        if not catalog.get((key, 0) if plural else key):
            missing.append(msgid)
    return missing


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize("package", list(SOURCES))
def test_every_admin_chrome_string_is_translated(package, lang):
    entries = extract(package)
    assert len(entries) > 25, f"extraction found too few strings in {package}"
    assert _untranslated(lang, entries) == []


def test_extraction_sees_unfold_only_strings():
    msgids = {msgid.strip() for _, msgid, _ in extract("unfold")}
    assert {"Apply Filters", "Type to search", "Filters", "Reset filters"} <= msgids
    assert "Found %(counter)s result in %(time)s seconds" in msgids


@pytest.mark.parametrize(
    ("msgid", "ru", "kk"),
    [
        ("Apply Filters", "Применить фильтры", "Сүзгілерді қолдану"),
        ("Type to search", "Введите для поиска", "Іздеу үшін теріңіз"),
        ("Filters", "Фильтры", "Сүзгілер"),
        ("Reset filters", "Сбросить фильтры", "Сүзгілерді тазалау"),
        ("Save and add another", "Сохранить и добавить другой объект", "Сақтау және тағы қосу"),
        ("Save", "Сохранить", "Сақтау"),
        ("Delete", "Удалить", "Жою"),
        ("Search", "Найти", "Іздеу"),
        ("Add", "Добавить", "Қосу"),
        ("History", "История", "Тарих"),
        ("Log out", "Выйти", "Шығу"),
        ("Confirm import", "Подтвердить импорт", "Импортты растау"),
        ("Change History", "Изменить запись", "Тарихты өзгерту"),
        ("Clear all filters", "Сбросить все фильтры", "Барлық сүзгілерді тазалау"),
        ("Periodic Tasks", "Периодические Задачи", "Мерзімді тапсырмалар"),
    ],
)
def test_admin_words(msgid, ru, kk):
    with translation.override("ru"):
        assert translation.gettext(msgid) == ru
    with translation.override("kk"):
        assert translation.gettext(msgid) == kk


FOUND = "\n                Found %(counter)s result in %(time)s seconds\n            "
FOUND_PLURAL = "\n                Found %(counter)s results in %(time)s seconds\n            "


@pytest.mark.parametrize(
    ("count", "ru", "kk"),
    [
        (1, "Найден 1 результат за 0.5 с", "0.5 секундта 1 нәтиже табылды"),
        (3, "Найдено 3 результата за 0.5 с", "0.5 секундта 3 нәтиже табылды"),
        (11, "Найдено 11 результатов за 0.5 с", "0.5 секундта 11 нәтиже табылды"),
        (21, "Найден 21 результат за 0.5 с", "0.5 секундта 21 нәтиже табылды"),
        (25, "Найдено 25 результатов за 0.5 с", "0.5 секундта 25 нәтиже табылды"),
    ],
)
def test_plural_forms(count, ru, kk):
    values = {"counter": count, "time": "0.5"}
    with translation.override("ru"):
        assert translation.ngettext(FOUND, FOUND_PLURAL, count).strip() % values == ru
    with translation.override("kk"):
        assert translation.ngettext(FOUND, FOUND_PLURAL, count).strip() % values == kk


def test_catalogue_plural_headers():
    import polib

    root = Path(__file__).parents[1]
    ru = polib.pofile(str(root / "locale/ru/LC_MESSAGES/django.po")).metadata["Plural-Forms"]
    kk = polib.pofile(str(root / "locale/kk/LC_MESSAGES/django.po")).metadata["Plural-Forms"]
    assert ru.startswith("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4")
    assert kk == "nplurals=2; plural=(n!=1);"


def test_kazakh_calendar_widget_catalogue(client, hq_operator):
    client.force_login(hq_operator)
    response = client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="kk")
    body = response.content.decode()
    assert response.status_code == 200
    for word in ("Қаңтар", "Желтоқсан", "Дүйсенбі", "Бүгін", "Күнді таңдаңыз"):
        assert json.dumps(word) in body  # the catalogue is embedded as ASCII-escaped JSON


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("ru", "Учётные данные для аутентификации не предоставлены."),
        ("kk", "Аутентификация деректері берілмеген."),
    ],
)
def test_api_errors_follow_accept_language(client, lang, message):
    response = client.get("/api/v1/persons/", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code in (401, 403)
    assert response.json()["detail"] == message


KAZAKH_LOGIN = ("Қайта қош келдіңіз", "Құпия сөз", "Кіру")
RUSSIAN_LOGIN = ("С возвращением в", "Пароль", "Войти")
ENGLISH_LOGIN = ("Welcome back to", "Password", "Log in")


def _visible(html):
    return re.sub(r"<script.*?</script>|<[^>]+>", " ", html, flags=re.S)


@pytest.mark.django_db
@pytest.mark.parametrize("via", ["cookie", "accept-language"])
def test_login_page_in_kazakh(client, settings, via):
    settings.LANGUAGE_CODE = "ru"
    if via == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"
        response = client.get("/admin/login/")
    else:
        response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="kk")
    page = _visible(response.content.decode())
    assert response.status_code == 200
    for word in KAZAKH_LOGIN:
        assert word in page
    for word in RUSSIAN_LOGIN + ENGLISH_LOGIN:
        assert word not in page


@pytest.mark.django_db
def test_login_page_is_russian_by_default(client, settings):
    settings.LANGUAGE_CODE = "ru"
    page = _visible(client.get("/admin/login/").content.decode())
    for word in RUSSIAN_LOGIN:
        assert word in page
    for word in ENGLISH_LOGIN:
        assert word not in page
