"""Browser test: a commission member reviews, adjusts, approves and downloads the protocol.

Drives Debian's chromium (/usr/bin/chromium, ``apt-get install chromium``) through
Playwright; never downloads a browser. Run: ``pytest -m browser tests/purchasing``.
"""

import io
import os
import re
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation

from purchasing import services
from purchasing.models import AllocationAdjustment, Protocol
from tests.purchasing.scenario import build

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "pass-Word-123"  # tests.factories.UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def launch(playwright):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's browser with "
                    "`apt-get install -y chromium` (Playwright must not download one).")
    return playwright.chromium.launch(executable_path=str(CHROMIUM),
                                      args=["--no-sandbox", "--headless"])


def test_member_adjusts_approves_and_downloads_excel(live_server, almaty, monkeypatch, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    scenario = build(almaty, prefix="alm")
    chair = scenario.chair
    for member in scenario.members[1:7]:  # the others have voted already
        services.vote_cast(meeting=scenario.meeting, user=member.user, choice="for")
    run = scenario.allocation
    line = run.lines.get(rank=1)
    review = f"{live_server.url}/admin/purchasing/allocation/{run.pk}/review/"
    # Playwright's sync API runs an event loop; the ORM is used only before and after it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_context(accept_downloads=True, locale="ru-RU").new_page()
        page.goto(f"{live_server.url}/admin/login/?next=/admin/purchasing/allocation/{run.pk}/review/")
        page.fill("#id_username", chair.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(review)
        row = page.locator(f'tr[data-line="{line.pk}"]')
        expect(row.locator(".line-volume")).to_have_text("4\xa0445")
        row.locator('input[type="number"]').fill("4000")
        row.locator("textarea").fill("Недостаточная укомплектованность врачами общей практики")
        row.locator('button[type="submit"]').click()
        page.wait_for_load_state()
        expect(page.locator(f'tr[data-line="{line.pk}"] .line-volume')).to_have_text("4\xa0000")
        # Volumes are grouped in the language of the page («4 445», a non-breaking space).
        expect(page.locator("#adjustments")).to_contain_text(re.compile(r"4\s?445 → 4\s?000"))
        # The change cleared earlier votes: the chair votes, then (in the DB, below) the others.
        page.locator('#vote-form input[value="for"]').check()
        page.locator('#vote-form button[type="submit"]').click()
        page.wait_for_load_state()
        browser.close()

    for member in scenario.members[1:7]:
        services.vote_cast(meeting=scenario.meeting, user=member.user, choice="for")

    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(accept_downloads=True, locale="ru-RU")
        page = context.new_page()
        page.goto(f"{live_server.url}/admin/login/?next=/admin/purchasing/allocation/{run.pk}/review/")
        page.fill("#id_username", chair.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(review)
        page.locator('#approve-form button[type="submit"]').click()
        page.wait_for_load_state()  # the confirmation page: approving changes the protocol
        page.locator('#confirm-form button[type="submit"]').click()
        page.wait_for_url(review)
        expect(page.locator("#approve-form")).to_have_count(0)
        with page.expect_download() as download_info:
            page.click("#download-xlsx")
        download = download_info.value
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        browser.close()
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE")

    assert target.name == f"protocol-{scenario.protocol.number}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(target.read_bytes()))
    rows = [[cell.value for cell in r] for r in book.worksheets[0].iter_rows()]
    with translation.override("ru"):
        assert rows[0][1] == scenario.protocol.number
        assert rows[1][1] == str(Protocol.Status.APPROVED.label)
    provider_row = next(r for r in rows if r[1] == "alm-Поликлиника А")
    assert (provider_row[6], provider_row[7], provider_row[8]) == (4445, 4000, 50_000_000)
    assert AllocationAdjustment.objects.get(line=line).user == chair
    protocol = Protocol.objects.get(pk=scenario.protocol.pk)
    assert protocol.status == Protocol.Status.APPROVED and protocol.approved_by == chair
    assert os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE") is None
