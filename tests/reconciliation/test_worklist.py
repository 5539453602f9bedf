"""The worklist: workflow with history, region scope, notices as PDF and Excel."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from reconciliation import services
from reconciliation.models import Discrepancy, DiscrepancyEvent, EmployerNotice
from reconciliation.notices import notice_pdf, notice_xlsx
from reconciliation.reconcile import reconcile_period

from .helpers import D121, JAN


@pytest.fixture
def reconciled(month):
    reconcile_period(period=JAN)
    return month


def _one(month, n, type_):
    return Discrepancy.objects.get(iin=month["p"][n].iin, type=type_)


def test_new_notified_resolved_with_history(reconciled, almaty_operator):
    d = _one(reconciled, 4, "underpaid")
    services.discrepancy_set_status(discrepancy=d, status="notified", acting_user=almaty_operator)
    services.discrepancy_set_status(discrepancy=d, status="resolved", acting_user=almaty_operator,
                                    note="Paid on 03.03.2026")
    events = list(DiscrepancyEvent.objects.filter(discrepancy=d).order_by("id")
                  .values_list("action", "old_value", "new_value", "acting_user"))
    assert events == [("status", "new", "notified", almaty_operator.pk),
                      ("status", "notified", "resolved", almaty_operator.pk)]
    with pytest.raises(ValidationError):
        services.discrepancy_set_status(discrepancy=d, status="new", acting_user=almaty_operator)


def test_writing_off_needs_a_reason(reconciled, hq_operator):
    d = _one(reconciled, 5, "overpaid")
    with pytest.raises(ValidationError):
        services.discrepancy_set_status(discrepancy=d, status="written_off",
                                        acting_user=hq_operator)
    services.discrepancy_set_status(discrepancy=d, status="written_off", acting_user=hq_operator,
                                    note="Below the cost of recovery")
    assert Discrepancy.objects.get(pk=d.pk).status == "written_off"


def test_another_regions_operator_cannot_touch_it(reconciled, astana_operator):
    d = _one(reconciled, 4, "underpaid")
    with pytest.raises(PermissionDenied):
        services.discrepancy_set_status(discrepancy=d, status="notified",
                                        acting_user=astana_operator)
    with pytest.raises(PermissionDenied):
        services.notice_issue(employer=reconciled["employer"], period=JAN,
                              acting_user=astana_operator)
    assert Discrepancy.objects.get(pk=d.pk).status == "new"


def test_an_assignee_from_another_region_is_refused(reconciled, hq_operator, astana_operator):
    d = _one(reconciled, 4, "underpaid")
    with pytest.raises(ValidationError):
        services.discrepancy_assign(discrepancy=d, assignee=astana_operator,
                                    acting_user=hq_operator)


def test_a_notice_lists_the_open_items_owes_their_sum_and_notifies(reconciled, almaty_operator):
    employer = reconciled["employer"]
    notice = services.notice_issue(employer=employer, period=JAN, acting_user=almaty_operator)
    # Owed: 12 000 not paid + 5 000 underpaid + 3 000 + 34 500 + 17 000 misapplied + 7 000
    # cross-tax; overpaid, paid-not-declared, other-period and unknown IIN are listed only.
    assert notice.total == Decimal("78500.00")
    assert len(notice.lines) == 11
    assert notice.number == f"202601-{employer.bin}-1"
    assert set(Discrepancy.objects.filter(employer=employer)
               .values_list("status", flat=True)) == {"notified"}
    assert DiscrepancyEvent.objects.filter(action="notice").count() == 11
    second = services.notice_issue(employer=employer, period=JAN, acting_user=almaty_operator)
    assert second.number.endswith("-2")


def test_notice_documents(reconciled, hq_operator):
    notice = services.notice_issue(employer=reconciled["employer"], period=JAN,
                                   acting_user=hq_operator)
    pdf = notice_pdf(notice)
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    sheet = load_workbook(io.BytesIO(notice_xlsx(notice))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 12
    by_iin = {(r[0], r[3]): r for r in rows[1:]}
    line = by_iin[(reconciled["p"][4].iin, "Underpaid")]
    assert line[6:] == (15000, 10000, 15000, 5000)


def test_an_employer_without_open_items_gets_no_notice(reconciled, hq_operator):
    with pytest.raises(ValidationError):
        services.notice_issue(employer=reconciled["astana"], period=JAN, acting_user=hq_operator)
    assert not EmployerNotice.objects.exists()


def test_notes_accumulate_with_author(reconciled, hq_operator):
    d = _one(reconciled, 3, "declared_not_paid")
    assert d.kind == D121
    services.discrepancy_add_note(discrepancy=d, note="first", acting_user=hq_operator)
    services.discrepancy_add_note(discrepancy=d, note="second", acting_user=hq_operator)
    notes = Discrepancy.objects.get(pk=d.pk).notes
    assert notes.index("first") < notes.index("second") and "hq" in notes
    with pytest.raises(ValidationError):
        services.discrepancy_add_note(discrepancy=d, note="  ", acting_user=hq_operator)


@pytest.mark.parametrize("lang, label", [("ru", "Недоплата"), ("kk", "Толық төленбеген")])
def test_the_worklist_speaks_russian_and_kazakh(lang, label):
    from django.utils import translation

    from reconciliation.models import DiscrepancyType

    with translation.override(lang):
        assert str(DiscrepancyType.UNDERPAID.label) == label
