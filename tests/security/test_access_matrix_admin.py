"""The admin access matrix, generated: every admin URL × every role × own region / other
region / anonymous (issues 16.6 and 17).

For each URL of the admin registry (lists, add, change, delete, history, every custom view
and Unfold action) the test asks as an anonymous visitor and as each role (head office,
regional operator, commission member, analyst, auditor, a staff user with no group, and a
regional user with every permission so that only the region stops it):
- anonymous → the login page; never a 500 for anybody;
- standard views answer 200 exactly when the model admin grants it, else 403/404; lists
  show the user's region's row and never another region's;
- an Almaty user never reaches an Astana row (403/404) and no page shows an Astana
  ИИН, БИН or name;
- a GET never writes (the tables' write counters are compared before and after);
- no page links a file under /media/ (uploads and exports are never served from there);
- a confirmed POST to another region's row changes nothing.
Holes being fixed in other branches are marked ``xfail(strict=True)`` per URL in
``tests/security/matrix/known.py``, so a fix turns them into failures until the mark goes.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from .matrix.checks import (
    DENIED,
    clients,
    denied,
    expected_allowed,
    fetch,
    listed_pks,
    object_for,
    url_for,
)
from .matrix.dataset import REGIONAL_USERS, region_models, shared_dataset
from .matrix.known import marks_for
from .matrix.routes import admin_routes

ROUTES = admin_routes()


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):
    yield from shared_dataset(django_db_blocker)


@pytest.fixture(scope="module")
def signed_in(data, django_db_blocker):
    with django_db_blocker.unblock():
        return clients(data)


def test_every_model_has_rows(data, db):  # "db": ordered with the other db tests
    """A new model is covered without editing the matrix, if a row of it can be made."""
    missing = {model._meta.label_lower: data.failures.get(model._meta.label_lower, "no row")
               for (model, where), row in data.rows.items() if row is None}
    assert not missing, (
        "The access matrix cannot make a row of these models; add a maker to EXPLICIT in "
        f"tests/security/matrix/factories.py: {missing}")
    assert data.sentinels["other"], "no Astana ИИН/БИН/names to look for"


def _check(route, data, signed_in):
    problems = []
    own_obj = object_for(route, data, "own")
    scoped = route.model is not None and route.model in region_models()
    other_obj = object_for(route, data, "other") if scoped else None
    if route.takes_object and own_obj is None:
        return [f"no row of {route.model._meta.label} to open {route.name}"]
    own_term = next(iter(sorted(data.sentinels["own"])), "")
    other_term = next(iter(sorted(data.sentinels["other"])), "")

    url = url_for(route, own_obj, own_term)
    response, writes = fetch(signed_in["anonymous"], url)
    if route.name not in ("jsi18n",) and not (
            response.status_code == 302 and "/login/" in response.get("Location", "")):
        problems.append(f"anonymous GET {url}: {response.status_code}")
    if writes:
        problems.append(f"anonymous GET {url} wrote {writes}")

    for key, client in signed_in.items():
        if key == "anonymous":
            continue
        user = data.users[key]
        regional = key in REGIONAL_USERS
        wheres = ["own", "other"] if (regional and other_obj is not None) else ["own"]
        for where in wheres:
            obj = own_obj if where == "own" else other_obj
            term = other_term if regional else own_term
            url = url_for(route, obj, term)
            response, writes = fetch(client, url)
            status = response.status_code
            said = f"{key} GET {url} ({where} region): {status}"
            if status >= 500:
                problems.append(said)
            if writes:
                problems.append(f"{said} wrote {writes}")
            body = (b"".join(response.streaming_content) if response.streaming
                    else response.content)
            if b"/media/" in body:
                problems.append(f"{said} links a file under /media/ (never served)")
            if regional and data.leaks(body):
                problems.append(f"{said} shows Astana data {data.leaks(body)[:3]}")
            if where == "other" and status not in DENIED:
                problems.append(f"{said}: another region's row must be 403/404")
            if route.standard and where == "own":
                allowed = expected_allowed(route, user, obj)
                # An add view may redirect to its upload page (ImportRun).
                ok = (200, 302) if route.view == "add" else (200,)
                if allowed and status not in ok or not allowed and not denied(response,
                                                                              route.view):
                    problems.append(f"{said}, the model admin says allowed={allowed}")
                listed = listed_pks(response) if route.view == "changelist" else None
                if listed is not None and route.model in region_models():
                    mine = data.row(route.model, "own")
                    theirs = data.row(route.model, "other")
                    if mine is not None and mine.pk not in listed:
                        problems.append(f"{said}: own region's row not listed")
                    if regional and theirs is not None and theirs.pk in listed:
                        problems.append(f"{said}: another region's row listed")

    if route.takes_object and other_obj is not None and other_obj != own_obj:
        # Acting on another region's row by POST (delete, confirmed custom views).
        client = signed_in["regional_all_permissions"]
        url = url_for(route, other_obj)
        body = {"post": "yes"} if route.view == "delete" else {"confirmed": "yes"}
        response, writes = fetch(client, url, "post", body)
        if response.status_code not in (*DENIED, 405) or writes:
            problems.append(f"POST {url} on another region's row: {response.status_code}, "
                            f"wrote {writes}")
    return problems


@pytest.mark.parametrize("route", [pytest.param(r, marks=marks_for(r.name)) for r in ROUTES],
                         ids=[r.id for r in ROUTES])
def test_admin_url(route, data, signed_in, db):
    problems = _check(route, data, signed_in)
    assert not problems, "\n".join(problems)


def _search_term(obj):
    for name in ("iin", "bin", "payer_code", "employer_bin", "number", "name", "full_name"):
        value = getattr(obj, name, None)
        if isinstance(value, str) and value:
            return value
    return None


@pytest.mark.parametrize("model", [m for m in region_models() if m in admin.site._registry
                                   and admin.site._registry[m].search_fields],
                         ids=lambda m: m._meta.label_lower)
def test_search_never_finds_another_regions_row(model, data, signed_in, db):
    theirs, mine = data.row(model, "other"), data.row(model, "own")
    term = _search_term(theirs)
    if term is None:
        pytest.skip(f"{model._meta.label} has no text to search by")
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = signed_in["regional_all_permissions"].get(url, {"q": term})
    assert response.status_code == 200
    assert theirs.pk not in listed_pks(response)
    found = signed_in["hq_operator"].get(url, {"q": term})
    if found.status_code == 302:  # an exact ИИН/БИН opens the one record (issue 18.3)
        assert found["Location"].endswith(f"/{theirs.pk}/change/")
    else:
        assert theirs.pk in listed_pks(found)  # the term does find it for head office
    assert mine is not None
