"""The commission's review page and protocol exports, through the admin."""

import io

import openpyxl
import pytest
from django.urls import reverse

from purchasing.models import AllocationAdjustment, Protocol
from tests.purchasing.scenario import vote_all

pytestmark = pytest.mark.django_db


def review_url(scenario):
    return reverse("admin:purchasing_allocation_review", args=[scenario.allocation.pk])


def test_member_sees_the_allocation_with_explanations(client, almaty_scenario):
    client.force_login(almaty_scenario.users["m2"])
    response = client.get(review_url(almaty_scenario))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-provider="alm-Поликлиника А"' in body
    digits = body.replace("\xa0", "").replace(" ", "").replace(",", "")
    assert 'line-volume">4445<' in digits and 'line-amount">55562500' in digits
    assert 'name="action" value="adjust"' in body


def test_adjust_without_reason_changes_nothing(client, almaty_scenario):
    line = almaty_scenario.allocation.lines.get(rank=1)
    client.force_login(almaty_scenario.users["m2"])
    response = client.post(review_url(almaty_scenario), {
        "action": "adjust", "line": line.pk, f"line{line.pk}-volume": 4000,
        f"line{line.pk}-reason": "",
    }, follow=True)
    assert response.status_code == 200
    line.refresh_from_db()
    assert line.volume == 4445
    assert not AllocationAdjustment.objects.exists()


def test_adjust_vote_approve_and_export(client, almaty_scenario):
    scenario = almaty_scenario
    line = scenario.allocation.lines.get(rank=1)
    client.force_login(scenario.chair)
    client.post(review_url(scenario), {
        "action": "adjust", "line": line.pk, f"line{line.pk}-volume": 4000,
        f"line{line.pk}-reason": "Недостаточная укомплектованность врачами",
    })
    line.refresh_from_db()
    assert line.volume == 4000
    vote_all(scenario)
    client.post(reverse("admin:purchasing_allocation_approve", args=[scenario.allocation.pk]),
                {"confirmed": "yes"})
    protocol = Protocol.objects.get(pk=scenario.protocol.pk)
    assert protocol.status == Protocol.Status.APPROVED and protocol.approved_by == scenario.chair

    response = client.get(reverse("admin:purchasing_protocol_xlsx", args=[protocol.pk]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    line_row = next(r for r in rows if r[1] == "alm-Поликлиника А")
    assert line_row[6] == 4445 and line_row[7] == 4000 and line_row[8] == 50_000_000
    adjustments = [[c.value for c in row] for row in book.worksheets[1].iter_rows()]
    assert adjustments[1][:4] == ["alm-Поликлиника А", 4000 + 445, 4000,
                                  "Недостаточная укомплектованность врачами"]

    pdf = client.get(reverse("admin:purchasing_protocol_pdf", args=[protocol.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert len(pdf.content) > 5000


def test_non_member_hq_operator_sees_but_cannot_adjust(client, almaty_scenario, hq_operator):
    client.force_login(hq_operator)
    response = client.get(review_url(almaty_scenario))
    assert response.status_code == 200
    assert 'value="adjust"' not in response.content.decode()
    line = almaty_scenario.allocation.lines.get(rank=1)
    client.post(review_url(almaty_scenario), {
        "action": "adjust", "line": line.pk, f"line{line.pk}-volume": 1,
        f"line{line.pk}-reason": "попытка без места в комиссии",
    })
    line.refresh_from_db()
    assert line.volume == 4445
