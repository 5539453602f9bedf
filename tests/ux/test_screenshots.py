"""Screenshots of the eight main flows in Kazakh, for the CI artefacts (issue 18).

Drives Debian's chromium (/usr/bin/chromium) through Playwright, never a downloaded browser.
The PNG files go to ``artifacts/screenshots/`` (README, "Tests"; ``OSMS_SCREENSHOTS`` moves
them); CI keeps that folder as its artefact. Each page must answer in Kazakh (``lang="kk"``)
without a server error.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import PersonFactory, UserFactory

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "pass-Word-123"  # tests.factories.UserFactory
FOLDER = Path(os.environ.get("OSMS_SCREENSHOTS", settings.BASE_DIR / "artifacts" / "screenshots"))

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def flows(person, allocation):
    """(file name, path) of the eight main flows."""
    return [
        ("1-dashboard", "/admin/"),
        ("2-person", f"/admin/payers/person/{person.pk}/change/"),
        ("3-payment-import", "/admin/payers/importrun/upload/"),
        ("4-insured-status", "/admin/coverage/coveragestatus/?risk=uninsured"),
        ("5-eligibility", f"/admin/packages/packageversion/eligibility/?iin={person.iin}"),
        ("6-calculator", "/admin/payers/contributionrate/calculator/"),
        ("7-allocation-review", f"/admin/purchasing/allocation/{allocation.pk}/review/"),
        ("8-discrepancies", "/admin/reconciliation/discrepancy/"),
    ]


def test_main_flows_in_kazakh(live_server, almaty, monkeypatch):
    from playwright.sync_api import sync_playwright

    from tests.purchasing.scenario import build

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (Playwright must "
                    "not download a browser).")
    scenario = build(almaty, prefix="shot")
    person = PersonFactory(region=almaty)
    user = UserFactory(username="screens", is_superuser=True)
    FOLDER.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    taken = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--no-sandbox", "--headless"])
        context = browser.new_context(locale="kk-KZ", viewport={"width": 1400, "height": 900})
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "kk",
                              "url": live_server.url}])
        page = context.new_page()
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        for name, path in flows(person, scenario.allocation):
            response = page.goto(live_server.url + path)
            assert response.status < 500, f"{path}: {response.status}"
            assert page.locator("html").get_attribute("lang") == "kk", path
            target = FOLDER / f"{name}.png"
            page.screenshot(path=str(target), full_page=True)
            taken.append(target)
        browser.close()
    assert all(p.stat().st_size > 10_000 for p in taken), "a screenshot is empty"
    assert len(taken) == 8
