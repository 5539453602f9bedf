"""/api/v1/docs/ works without internet: Swagger UI's assets are our own static files
(drf-spectacular-sidecar), never a CDN."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

pytestmark = pytest.mark.django_db


def test_the_api_docs_page_loads_only_local_assets(admin_client, settings):
    response = admin_client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    # Every address the page names, in attributes and in its inline script.
    addresses = set(re.findall(r'(?:src|href)\s*=\s*"([^"]+)"', page))
    addresses |= set(re.findall(r'"((?:https?:)?//[^"]+)"', page))
    outside = sorted(a for a in addresses if re.match(r"(?:https?:)?//", a))
    assert outside == []
    static = sorted(a for a in addresses if a.startswith("/" + settings.STATIC_URL.lstrip("/")))
    names = {a.removeprefix("/" + settings.STATIC_URL.lstrip("/")) for a in static}
    assert {"drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
            "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css"} <= names
    for name in names:  # each is shipped: the finders (dev) and collectstatic find it
        assert finders.find(name), name
        assert staticfiles_storage.url(name)
