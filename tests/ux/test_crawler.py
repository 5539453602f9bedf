"""Every admin page in Russian and Kazakh, as a head-office and a regional operator (issue 18).

The pages are every URL of the admin registry that a GET shows (lists, add, change, history,
delete confirmations and each custom view), read from the registry itself so that a new
model or view is crawled without editing this test; the rows are the access matrix's
(tests/security/matrix: one row of every model in Almaty and in Astana). Each page fails on:
- a server error;
- English words in the visible text (tags, scripts and attribute values stripped), outside
  a short allow-list of format names and the test data's own markers (tests/ux/visible.py);
- a raw choice code where the model has a label for it;
- a number without the language's grouping (8000.00, 1,045,500, 450000,00), a 12-hour time
  or an English-ordered date.
"""

import pytest
from django.conf import settings
from django.test import Client

from tests.security.matrix.checks import object_for, url_for
from tests.security.matrix.dataset import shared_dataset
from tests.security.matrix.routes import admin_routes

from .visible import bad_numbers, english_words, raw_codes, visible_text

USERS = ("hq_operator", "regional_operator")
LANGUAGES = ("ru", "kk")
# Views that only act (sign out, JavaScript catalogue) or only stream a file.
NOT_PAGES = {"jsi18n", "logout"}
SKIPPED_VIEWS = ("delete", "history")  # Django's own confirmation pages, crawled elsewhere


def _pages():
    return [r for r in admin_routes() if r.name not in NOT_PAGES and r.view not in SKIPPED_VIEWS
            and not r.name.endswith(("_simple_history", "_autocomplete"))]


PAGES = _pages()


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):
    yield from shared_dataset(django_db_blocker)


@pytest.fixture(scope="module")
def browsers(data, django_db_blocker):
    made = {}
    with django_db_blocker.unblock():
        for key in USERS:
            for language in LANGUAGES:
                client = Client(raise_request_exception=False)
                client.force_login(data.users[key])
                client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
                made[key, language] = client
    return made


def problems_of(html):
    nodes = visible_text(html)
    found = [f"English: {w}" for w in sorted(set(english_words(nodes)))]
    found += [f"raw code: {c}" for c in sorted(set(raw_codes(nodes)))]
    found += sorted(set(bad_numbers(nodes)))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("route", PAGES, ids=[r.id for r in PAGES])
def test_page_reads_in_the_language(route, language, data, browsers, db):
    obj = object_for(route, data, "own")
    if route.takes_object and obj is None:
        pytest.fail(f"no row of {route.model._meta.label} to open {route.name}")
    url = url_for(route, obj, "")
    problems = []
    for key in USERS:
        response = browsers[key, language].get(url)
        said = f"{key} {language} {url}"
        if response.status_code >= 500:
            problems.append(f"{said}: {response.status_code}")
            continue
        if response.streaming or "html" not in response.get("Content-Type", ""):
            continue
        problems += [f"{said}: {p}" for p in problems_of(response.content.decode())]
    assert not problems, "\n".join(problems)
