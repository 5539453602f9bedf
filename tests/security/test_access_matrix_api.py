"""The API access matrix, generated from the OpenAPI schema: every operation × every role ×
own region / other region / anonymous (issues 16.6 and 17).

- anonymous: 401/403, unless the view is public (AllowAny);
- nobody gets a 500; a GET never writes;
- an Almaty user gets 404/403 for an Astana row's ИИН/БИН/id, for reading and for every
  write verb and action, and nothing is written; no response to an Almaty user carries an
  Astana ИИН, БИН or name;
- head office and the Almaty user with every permission find the Almaty row in the list
  and open it.
"""

import re

import pytest
from django.urls import resolve
from rest_framework.permissions import AllowAny
from rest_framework.test import APIClient

from osms.core.scoping import is_region_scoped

from .matrix.checks import DENIED
from .matrix.dataset import REGIONAL_USERS, shared_dataset
from .matrix.known import marks_for
from .matrix.routes import api_operations
from .matrix.state import watch

OPERATIONS = api_operations()
# A path parameter names the row it takes; these views have no queryset to tell.
PARAMETER_MODELS = {"iin": "payers.Person", "bin": "payers.Organisation"}


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):
    yield from shared_dataset(django_db_blocker)


def view_class(path):
    resolved = resolve(re.sub(r"\{[^}]+\}", "0", path))
    return getattr(resolved.func, "cls", None) or getattr(resolved.func, "view_class", None)


def target(operation):
    """(model, lookup attribute) of the row a path parameter names, or (None, None)."""
    from django.apps import apps

    match = re.search(r"\{([^}]+)\}", operation.path)
    if not match:
        return None, None
    name = match.group(1)
    queryset = getattr(view_class(operation.path), "queryset", None)
    if queryset is not None:
        model = queryset.model
    else:
        model = apps.get_model(PARAMETER_MODELS[name])
    return model, ("pk" if name == "id" else name)


def concrete(path, obj, lookup):
    return re.sub(r"\{[^}]+\}", str(getattr(obj, lookup)), path)


def call(client, method, url):
    body = {} if method in ("POST", "PUT", "PATCH") else None
    with watch() as writes:
        response = client.generic(method, url, data="{}" if body is not None else "",
                                  content_type="application/json")
    return response, writes


def _client(user):
    client = APIClient(raise_request_exception=False)
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.parametrize("operation",
                         [pytest.param(o, marks=marks_for(o.id)) for o in OPERATIONS],
                         ids=[o.id for o in OPERATIONS])
def test_api_operation(operation, data, db):
    problems = []
    model, lookup = target(operation)
    scoped = model is not None and is_region_scoped(model)
    own = data.row(model, "own" if scoped else None) if model else None
    other = data.row(model, "other") if scoped else None
    if model is not None and own is None:
        pytest.fail(f"no row of {model._meta.label} for {operation.id}")
    url = concrete(operation.path, own, lookup) if own is not None else operation.path
    reads = operation.method == "GET"

    guards = list(getattr(view_class(operation.path), "permission_classes", []))
    public = not guards or any(issubclass(p, AllowAny) for p in guards)  # token, calculator
    response, writes = call(_client(None), operation.method, url)
    if not public and response.status_code not in (401, 403):
        problems.append(f"anonymous {operation.method} {url}: {response.status_code}")
    if response.status_code >= 500 or (reads and writes):
        problems.append(f"anonymous {operation.method} {url}: {response.status_code} {writes}")

    for key, user in data.users.items():
        regional = key in REGIONAL_USERS
        for where, obj in (("own", own), ("other", other)):
            if where == "other" and (obj is None or not regional):
                continue
            url = concrete(operation.path, obj, lookup) if obj is not None else operation.path
            response, writes = call(_client(user), operation.method, url)
            status = response.status_code
            said = f"{key} {operation.method} {url} ({where}): {status}"
            if status >= 500:
                problems.append(said)
            if writes and (reads or where == "other"):
                problems.append(f"{said} wrote {writes}")
            if where == "other" and status not in (*DENIED, 405):
                problems.append(f"{said}: another region's row must be 404/403")
            if regional and data.leaks(response.content):
                problems.append(f"{said} shows Astana data {data.leaks(response.content)[:3]}")
            strong = key in ("hq_operator", "regional_all_permissions")
            if reads and strong and where == "own" and scoped and status != 200:
                problems.append(f"{said}: own region's row must open")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("operation", [o for o in OPERATIONS if o.method == "GET"
                                       and "{" not in o.path], ids=lambda o: o.id)
def test_api_lists_show_own_region_only(operation, data, db):
    cls = view_class(operation.path)
    queryset = getattr(cls, "queryset", None)
    if queryset is None or not is_region_scoped(queryset.model):
        pytest.skip("not a list of region-owned rows")
    model = queryset.model
    lookup = getattr(cls, "lookup_field", "pk")
    lookup = "id" if lookup == "pk" else lookup
    mine, theirs = data.row(model, "own"), data.row(model, "other")
    for key in ("hq_operator", "regional_all_permissions"):
        body = _client(data.users[key]).get(operation.path, {"page_size": 1000}).json()
        rows = body["results"]
        if rows and lookup not in rows[0]:  # a list without ids (summaries): by region
            lookup, mine, theirs = "region", data.regions["own"], data.regions["other"]
        values = {str(row.get(lookup)) for row in rows}
        attribute = {"id": "pk", "region": "kato"}.get(lookup, lookup)
        own_value, other_value = str(getattr(mine, attribute)), str(getattr(theirs, attribute))
        assert own_value in values, (key, operation.path)
        assert (other_value in values) is (key == "hq_operator"), (key, operation.path)
