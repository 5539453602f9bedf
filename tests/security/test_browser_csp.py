"""Browser test: under the Content-Security-Policy the admin (Unfold, Alpine.js) and Swagger
UI still work, and chromium reports no violation. Drives Debian's chromium through
Playwright (never a downloaded browser)."""

from pathlib import Path

import pytest

from tests.factories import PersonFactory, UserFactory

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "pass-Word-123"  # tests.factories.UserFactory

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_admin_and_swagger_work_under_the_policy(live_server, almaty, monkeypatch):
    from playwright.sync_api import expect, sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium`.")
    PersonFactory(region=almaty, last_name="Ахметова")
    boss = UserFactory(username="browser_csp", is_superuser=True)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    violations = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--no-sandbox", "--headless"])
        page = browser.new_context(locale="ru-RU").new_page()
        page.on("console", lambda m: violations.append(m.text)
                if "Content Security Policy" in m.text else None)
        page.goto(f"{live_server.url}/admin/login/?next=/admin/payers/person/")
        page.fill("#id_username", boss.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/admin/payers/person/")
        expect(page.locator("body")).to_contain_text("Ахметова")
        # Alpine.js runs (it evaluates x-data): the theme switcher is bound to <html>.
        page.wait_for_function("() => window.Alpine !== undefined")
        page.goto(f"{live_server.url}/admin/payers/person/add/")
        expect(page.locator("#id_iin")).to_be_visible()
        page.goto(f"{live_server.url}/api/v1/docs/")
        expect(page.locator(".swagger-ui .info")).to_contain_text("OSMS back office API",
                                                                   timeout=20000)
        browser.close()
    assert violations == []
