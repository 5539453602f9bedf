"""Browser test: an analyst exports a filtered list, watches the progress bar, downloads.

Drives Debian's chromium (/usr/bin/chromium) through Playwright; never downloads a
browser. Run: ``pytest -m browser tests/exports``.
"""

import datetime
import re
from pathlib import Path

import pytest

from osms.exports.models import ExportJob
from tests.factories import PersonFactory, UserFactory

from .conftest import read_xlsx

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "pass-Word-123"  # tests.factories.UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_export_progress_and_download(live_server, almaty, astana, settings, monkeypatch, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium`.")
    settings.EXPORTS_SYNC_MAX_ROWS = 1  # a "large" list: the background path
    for name in ("Ахметова", "Бекова"):
        PersonFactory(region=almaty, last_name=name, born=datetime.date(1990, 5, 17))
    PersonFactory(region=astana)
    boss = UserFactory(username="browser_analyst", is_superuser=True)
    # A job still running, to watch the bar move.
    running = ExportJob.objects.create(
        user=boss, content_type_id=ExportJob._meta.get_field("content_type").related_model
        .objects.get(app_label="payers", model="person").pk,
        title="лица", language="ru", status=ExportJob.Status.RUNNING, rows_total=1000,
        rows_done=100)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--no-sandbox", "--headless"])
        page = browser.new_context(accept_downloads=True, locale="ru-RU").new_page()
        page.goto(f"{live_server.url}/admin/login/?next=/admin/payers/person/")
        page.fill("#id_username", boss.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{live_server.url}/admin/payers/person/?region__id__exact={almaty.pk}")
        page.locator("a[data-osms-export]").first.click()
        expect(page.locator("body")).to_contain_text("В списке 2 строки.")
        page.get_by_role("button", name="Начать выгрузку").click()
        page.wait_for_url("**/admin/exports/exportjob/")

        bar = page.locator(f'[data-export-job="{running.pk}"] [data-export-bar]')
        expect(bar).to_have_attribute("style", "width:10%;height:8px;background:#2563eb;"
                                               "transition:width .4s")
        ExportJob.objects.filter(pk=running.pk).update(rows_done=600)
        expect(page.locator(f'[data-export-job="{running.pk}"] [data-export-rows]')).to_have_text(
            re.compile(r"^600 / 1\s000$"), timeout=10_000)  # the browser's ru grouping
        ExportJob.objects.filter(pk=running.pk).update(
            status=ExportJob.Status.FAILED, error="Обработчик остановлен")
        expect(page.locator("body")).to_contain_text("Обработчик остановлен", timeout=10_000)

        finished = ExportJob.objects.exclude(pk=running.pk).get(user=boss)
        with page.expect_download() as info:
            page.locator(f'a[href$="/exportjob/{finished.pk}/download/"]').click()
        target = tmp_path / "persons.xlsx"
        info.value.save_as(target)
        browser.close()

    assert finished.status == ExportJob.Status.DONE and not finished.ran_synchronously
    rows = next(iter(read_xlsx(str(target)).values()))
    assert len(rows) - 1 == 2
    assert {row[1] for row in rows[1:]} == {"Ахметова", "Бекова"}
