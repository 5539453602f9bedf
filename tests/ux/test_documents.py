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
