"""The case lists' search: a patient's ИИН, a provider's БИН, or a БИН and that provider's case
number, each answered through the case table's indexes (never by scanning the cases)."""

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.db import connection

from monitoring.models import Case, CaseVerdict
from monitoring.selectors import case_search
from tests.monitoring.test_import import _load, _row

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]
URL = "/admin/monitoring/case/"
WARNING = "Search by the patient's IIN or the provider's BIN"


@pytest.fixture
def world(tmp_path):
    from monitoring.synthetic import build_world
    from tests.monitoring.month import last_month

    world = build_world(persons=60, month=last_month(), seed=3)
    first, second = world.insured[0][0], world.insured[1][0]
    other_bin = world.providers[1][1]
    rows = [_row(world, "A1", iin=first), _row(world, "A2", iin=second),
            _row(world, "B1", iin=first, provider_bin=other_bin)]
    run = _load(tmp_path, rows)
    assert run.status == "done", run.error
    return world


def searched(client, term, url=URL):
    answer = client.get(url, {"q": term})
    assert answer.status_code == 200
    return answer, sorted(str(row) for row in answer.context["cl"].result_list)


def warned(answer):
    return any(WARNING in str(message) for message in get_messages(answer.wsgi_request))


def numbers(client, term):
    answer, _rows = searched(client, term)
    return sorted(case.case_number for case in answer.context["cl"].result_list)


def test_by_iin_by_provider_bin_and_by_bin_and_case_number(client, hq_operator, world):
    client.force_login(hq_operator)
    patient = world.insured[0][0]
    provider_bin, other_bin = world.providers[0][1], world.providers[1][1]
    assert numbers(client, patient) == ["A1", "B1"]
    assert numbers(client, f" {world.insured[1][0]} ") == ["A2"]
    assert numbers(client, provider_bin) == ["A1", "A2"]
    assert numbers(client, other_bin) == ["B1"]
    assert numbers(client, f"{provider_bin} A2") == ["A2"]
    assert numbers(client, f"{other_bin} A2") == []          # A2 is the first provider's
    assert numbers(client, "999999999999") == []


@pytest.mark.parametrize("term", ["A1", "12345", "патient", "%"])
def test_any_other_term_finds_nothing_and_says_what_to_type(client, hq_operator, world, term):
    client.force_login(hq_operator)
    answer, rows = searched(client, term)
    assert rows == []
    assert warned(answer)


def test_the_rows_of_a_case_are_searched_through_their_case(client, hq_operator, world):
    from monitoring.control import month_control

    month_control(period=world.month)
    assert CaseVerdict.objects.exists()
    client.force_login(hq_operator)
    patient = world.insured[0][0]
    url = "/admin/monitoring/caseverdict/"
    answer, _rows = searched(client, patient, url)
    found = {verdict.case.iin for verdict in answer.context["cl"].result_list}
    assert found <= {patient}
    expected = CaseVerdict.objects.filter(case__iin=patient).count()
    assert answer.context["cl"].result_count == expected
    answer, rows = searched(client, "A1", url)
    assert rows == [] and warned(answer)


def test_the_search_is_served_by_the_case_indexes(world):
    patient, provider_bin = world.insured[0][0], world.providers[0][1]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask for the plan
        for term in (patient, f"{provider_bin} A1"):
            sql, params = case_search(Case.objects.all(), term).query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Seq Scan on monitoring_case" not in plan, plan
            assert "Index" in plan, plan


def test_the_admins_of_cases_use_the_indexed_search():
    from monitoring.admin.filters import CaseSearchMixin
    from monitoring.models import Review

    for model in (Case, CaseVerdict, Review):
        assert isinstance(admin.site._registry[model], CaseSearchMixin), model
