"""Malformed input to any admin page answers 4xx with a message, never 500.

Every registered admin model is tried: a history page for an id that cannot be a key
(``/abc/history/``), and a NUL byte in each of its list filters' parameters and in the
search (PostgreSQL refuses NUL in a string: without the check the query failed with 500).
"""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from osms.core.admin_mixins import OsmsModelAdmin
from tests.factories import UserFactory

MODEL_ADMINS = list(admin.site._registry.values())
OURS = [ma for ma in MODEL_ADMINS if isinstance(ma, OsmsModelAdmin)]


def label(model_admin):
    return model_admin.model._meta.label


def url(model_admin, view, *args):
    opts = model_admin.model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def boss(db):
    return UserFactory(is_superuser=True)


@pytest.fixture
def boss_client(client, boss):
    client.force_login(boss)
    return client


def test_every_project_model_admin_is_ours():
    from osms.core.roles import PROJECT_APPS

    others = [label(ma) for ma in MODEL_ADMINS if ma.model._meta.app_label in PROJECT_APPS
              and not isinstance(ma, OsmsModelAdmin)]
    assert set(others) <= {"exports.ExportJob"}  # the download centre: no history, no filters


def test_history_of_a_malformed_id_is_404(boss_client):
    answers = {label(ma): boss_client.get(url(ma, "history", "abc")).status_code
               for ma in MODEL_ADMINS}
    wrong = {name: status for name, status in answers.items()
             if status != 404 and (status != 302 or name in {label(ma) for ma in OURS})}
    assert wrong == {}  # third-party admins may redirect (Django's own page); never 500
    assert len(answers) > 60


def test_history_version_of_a_malformed_id_is_404(boss_client):
    wrong = {}
    for model_admin in [ma for ma in OURS if ma._tracks_history()]:
        base = url(model_admin, "changelist")
        for path in (f"{base}abc/history/1/", f"{base}1/history/x/"):
            status = boss_client.get(path).status_code
            if status != 404:
                wrong[path] = status
    assert wrong == {}


def test_nul_in_a_filter_or_search_answers_400_with_a_message(boss, boss_client):
    wrong, tried = {}, 0
    for model_admin in OURS:
        changelist = url(model_admin, "changelist")
        request = RequestFactory().get(changelist)
        request.user = boss
        parameters = {"q", "status"}
        for spec in model_admin.get_changelist_instance(request).filter_specs:
            parameters.update(spec.expected_parameters())
        for name in sorted(parameters):
            response = boss_client.get(changelist, {name: "\x00"})
            tried += 1
            if response.status_code != 400 or "NUL character" not in response.content.decode():
                wrong[f"{label(model_admin)} {name}"] = response.status_code
    assert wrong == {}
    assert tried > 200
