"""Protocol and notice documents as an operator prints them (issue 18.7)."""

import pytest
from django.utils import translation
from fpdf import FPDF

from purchasing.exports import cells, protocol_pdf
from purchasing.models import Protocol
from tests.purchasing.scenario import build


@pytest.fixture
def drawn(monkeypatch):
    """Every text fpdf2 writes with ``text`` or ``cell``, in order."""
    seen = []
    text, cell = FPDF.text, FPDF.cell

    def spy_text(self, x, y, txt="", *args, **kwargs):
        seen.append(str(txt))
        return text(self, x, y, txt, *args, **kwargs)

    def spy_cell(self, *args, **kwargs):
        seen.append(str(kwargs.get("text", args[2] if len(args) > 2 else "")))
        return cell(self, *args, **kwargs)

    monkeypatch.setattr(FPDF, "text", spy_text)
    monkeypatch.setattr(FPDF, "cell", spy_cell)
    return seen


def test_a_draft_protocol_is_marked_draft_on_every_page(almaty, drawn):
    scenario = build(almaty, prefix="doc")
    with translation.override("ru"):
        data = protocol_pdf(scenario.protocol)
    assert data.startswith(b"%PDF")
    assert drawn.count("ПРОЕКТ") >= 1
    assert any(t.startswith("Страница 1 из ") for t in drawn)
    assert "Подписи" in drawn


def test_an_approved_protocol_has_no_draft_mark_and_groups_money(almaty, drawn):
    scenario = build(almaty, prefix="doa")
    Protocol.objects.filter(pk=scenario.protocol.pk).update(status=Protocol.Status.APPROVED)
    scenario.protocol.refresh_from_db()
    with translation.override("ru"):
        protocol_pdf(scenario.protocol)
        assert "ПРОЕКТ" not in drawn
        assert any("125\xa0000\xa0000,00\xa0₸" in t for t in drawn)  # the budget
        row = cells([1, "Поликлиника", "123456789012", 80, 6000, 6000, 4445, 4445,
                     55562500, 7, 0, 0, ""])
    assert row[8] == "55\xa0562\xa0500,00" and row[6] == "4\xa0445"


def _notice(region):
    import datetime
    from decimal import Decimal

    from reconciliation.models import EmployerNotice
    from tests.factories import OrganisationFactory

    employer = OrganisationFactory(region=region)
    line = {"iin": "871008400111", "person": "Ахметова Айгуль", "kind": "employer_deduction",
            "type": "underpaid", "declared": "1045500.00", "paid": "0.00",
            "expected": "1045500.00", "amount": "1045500.00"}
    return EmployerNotice.objects.create(
        number=f"202601-{employer.bin}-1", employer=employer, region=region,
        period=datetime.date(2026, 1, 1), lines=[line], total=Decimal("1045500.00"))


def test_the_notice_page_shows_its_lines_as_a_table(client, hq_operator, almaty, settings):
    from django.urls import reverse

    settings.LANGUAGE_CODE = "ru"
    notice = _notice(almaty)
    client.force_login(hq_operator)
    page = client.get(reverse("admin:reconciliation_employernotice_change",
                              args=[notice.pk])).content.decode()
    assert "data-notice-lines" in page and "Ахметова Айгуль" in page
    assert "1\xa0045\xa0500,00" in page
    assert '"iin"' not in page and "employer_deduction" not in page


def test_the_notice_pdf_has_page_numbers_and_a_grouped_total(almaty, drawn):
    from reconciliation.notices import notice_pdf

    notice = _notice(almaty)
    with translation.override("ru"):
        notice_pdf(notice)
    assert "Страница 1 из {nb}" in drawn or any(t.startswith("Страница 1 из") for t in drawn)
    assert any("1\xa0045\xa0500,00\xa0₸" in t for t in drawn)
