"""The read-only case list filters by diagnosis: by ICD-10 chapter, whose choices come from
the classification (never from a scan of the cases), and by the start of the code typed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from monitoring.admin.filters import Icd10ChapterFilter
from monitoring.models import Case
from packages.selectors import icd10_chapters, icd10_prefix
from tests.monitoring.test_import import _load, _row

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]
URL = "/admin/monitoring/case/"


@pytest.fixture
def cases(tmp_path):
    from monitoring.synthetic import build_world
    from tests.monitoring.month import last_month

    world = build_world(persons=60, month=last_month(), seed=3)
    codes = {"C1": "I10", "C2": "I21.0", "C3": "J18.9", "C4": "J45", "C5": "A09.0"}
    run = _load(tmp_path, [_row(world, number, icd10=code) for number, code in codes.items()])
    assert run.status == "done", run.error
    return codes


def listed(client, **params):
    answer = client.get(URL, params)
    assert answer.status_code == 200
    return sorted(case.case_number for case in answer.context["cl"].result_list)


def test_the_chapters_come_from_the_classification_with_the_span_of_their_blocks():
    chapters = {code: (first, last) for code, _name, first, last in icd10_chapters()}
    assert chapters["I"] == ("A00", "B99")
    assert chapters["IX"] == ("I00", "I99")
    assert chapters["X"] == ("J00", "J99")
    assert len(chapters) == 22
    with translation.override("ru"):
        names = {code: name for code, name, *_span in icd10_chapters()}
    assert names["IX"] == "Болезни системы кровообращения"


def test_the_case_list_filters_by_chapter_and_by_code(client, hq_operator, cases):
    client.force_login(hq_operator)
    assert listed(client) == ["C1", "C2", "C3", "C4", "C5"]
    assert listed(client, icd10_chapter="IX") == ["C1", "C2"]
    assert listed(client, icd10_chapter="X") == ["C3", "C4"]
    assert listed(client, icd10_chapter="I") == ["C5"]
    assert listed(client, icd10_chapter="XX") == []
    assert listed(client, icd10_code="J18") == ["C3"]
    assert listed(client, icd10_code="j189") == ["C3"]        # dot and case as the cases hold
    assert listed(client, icd10_code="І21") == []              # not a code (Cyrillic І)
    assert listed(client, icd10_code="І21".replace("І", "I")) == ["C2"]
    assert listed(client, icd10_code="Ј", icd10_chapter="X") == []
    assert listed(client, icd10_code="J", icd10_chapter="X") == ["C3", "C4"]


def test_the_chapter_choices_never_read_the_cases(rf, hq_operator, cases):
    request = rf.get(URL)
    request.user = hq_operator
    from django.contrib import admin

    model_admin = admin.site._registry[Case]
    with CaptureQueriesContext(connection) as queries:
        choices = Icd10ChapterFilter(request, {}, Case, model_admin).lookup_choices
    assert len(choices) == 22
    assert not [q["sql"] for q in queries.captured_queries if "monitoring_case" in q["sql"]]


def test_the_filters_speak_russian_and_kazakh(client, hq_operator, cases):
    client.force_login(hq_operator)
    for language, title, chapter in (
            ("ru", "диагноз: глава МКБ-10", "IX. I00–I99 Болезни системы кровообращения"),
            ("kk", "диагноз: АХЖ-10 тарауы", "IX. I00–I99")):
        page = client.get(URL, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert title in page and chapter in page


def test_the_code_typed_becomes_the_start_of_a_code():
    assert icd10_prefix(" j18,9 ") == "J18.9"
    assert icd10_prefix("В18") == "B18"  # typed in Cyrillic
    assert icd10_prefix("J1") == "J1"
    for text in ("", "18", "J18%", "J18_", "J 18", "J18.9.1.2.3.4.5"):
        assert icd10_prefix(text) is None
