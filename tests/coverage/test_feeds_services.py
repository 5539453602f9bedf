"""Partner feed imports and the membership services."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coverage import services
from coverage.feeds import category_feed_import
from coverage.models import BenefitCategory, CategoryFeedRun, CategoryMembership, MembershipSource
from coverage.selectors import coverage_on
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def feed(text):
    return io.BytesIO(text.encode("utf-8"))


def test_feed_loads_rejects_per_row_and_is_idempotent():
    anna, bolat = PersonFactory(), PersonFactory()
    text = (
        "iin;category;starts_on;ends_on;document\n"
        f"{anna.iin};pensioners;2026-01-01;;решение 1\n"
        f"{bolat.iin};disabled;01.03.2026;31.12.2026;МСЭ 2\n"
        "871008401428;pensioners;2026-01-01;;\n"
        f"{anna.iin};no_such;2026-01-01;;\n"
        f"{bolat.iin};pensioners;2026-02-30;;\n"
        f"{bolat.iin};pensioners;2026-05-01;2026-04-01;\n"
        f"{anna.iin};pensioners;2026-01-01;;повтор\n"
        "900101300811;pensioners;2026-01-01;;\n"
        f"{anna.iin};students;2026-01-01;;\n"
    )
    run = category_feed_import(stream=feed(text), file_name="mtszn.csv", partner="labour_is")
    assert (run.status, run.rows_total, run.rows_loaded, run.rows_rejected) == (
        CategoryFeedRun.Status.DONE, 9, 2, 7)
    rejects = {(r.row_number, r.field): r.reason for r in run.rejects.all()}
    assert "check digit" in rejects[(4, "iin")]
    assert "no_such" in rejects[(5, "category")]
    assert (6, "starts_on") in rejects and (7, "ends_on") in rejects
    assert "earlier in the file" in rejects[(8, "iin")]
    assert "registry" in rejects[(9, "iin")]
    assert "not confirmed by this partner" in rejects[(10, "category")]
    assert CategoryMembership.objects.get(person=bolat).ends_on == D(2026, 12, 31)
    again = category_feed_import(stream=feed(text), file_name="again.csv", partner="labour_is")
    assert again.pk == run.pk and CategoryMembership.objects.count() == 2
    # a later file closes Anna's membership: an update, not a second row
    closing = f"iin,category,starts_on,ends_on\n{anna.iin},pensioners,2026-01-01,2026-06-30\n"
    second = category_feed_import(stream=feed(closing), file_name="m2.csv", partner="labour_is")
    assert (second.rows_loaded, second.rows_unchanged) == (1, 0)
    assert CategoryMembership.objects.get(person=anna).ends_on == D(2026, 6, 30)
    assert CategoryMembership.objects.get(person=anna).history.count() == 2


def test_feed_without_required_columns_fails_with_the_expected_header():
    run = category_feed_import(stream=feed("iin;document\n1;2\n"), file_name="bad.csv",
                               partner="labour_is")
    assert run.status == CategoryFeedRun.Status.FAILED
    assert "category, starts_on" in run.error and "iin,category,starts_on" in run.error


def test_temporary_status_lasts_one_month_and_needs_a_document(hq_operator):
    person = PersonFactory()
    category = BenefitCategory.objects.get(code="disabled")
    with pytest.raises(ValidationError):
        services.temporary_status_grant(person=person, category=category, document=" ",
                                        starts_on=D(2026, 1, 31), acting_user=hq_operator)
    membership = services.temporary_status_grant(
        person=person, category=category, document="справка МСЭ № 15",
        starts_on=D(2026, 1, 31), acting_user=hq_operator)
    assert membership.source == MembershipSource.TEMPORARY
    assert membership.ends_on == D(2026, 2, 27)
    result = coverage_on(iin=person.iin, on=D(2026, 2, 10))
    assert result.insured and result.valid_until == D(2026, 2, 27)
    assert "справка МСЭ № 15" in result.explanation_ru
    assert membership.history.first().history_user == hq_operator
    assert not coverage_on(iin=person.iin, on=D(2026, 2, 28)).insured


def test_regional_operator_cannot_add_a_membership_in_another_region(astana_operator):
    person = PersonFactory()  # Almaty
    with pytest.raises(PermissionDenied):
        services.membership_create(person=person,
                                   category=BenefitCategory.objects.get(code="disabled"),
                                   starts_on=D(2026, 1, 1), acting_user=astana_operator)
    assert not CategoryMembership.objects.exists()


def test_coverage_on_unknown_iin_is_none():
    assert coverage_on(iin="871008401427", on=D(2026, 1, 1)) is None
