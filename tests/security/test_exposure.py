"""Issues 17.4 and 17.10: nothing is exposed that should not be.

- an unexpected error on an import page shows no traceback and no server path;
- the OpenAPI schema and docs need a signed-in user in production (a setting opens them);
- every page carries a Content-Security-Policy the admin and Swagger UI work under;
- uploaded and exported files are not served under /media/ (DEBUG neither); the export
  download view checks the owner.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

SECRET_PATH = "/srv/osms/var/media/imports/persons/871008401427-Ахметова.csv"


def test_import_page_hides_tracebacks_and_paths(client, hq_operator, monkeypatch, caplog,
                                               django_capture_on_commit_callbacks):
    from payers.imports import registry

    def explode(*args, **kwargs):
        raise PermissionError(13, "Permission denied", SECRET_PATH)

    monkeypatch.setattr(registry, "_stage", explode)
    client.force_login(hq_operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:payers_person_import"), {
            "file": SimpleUploadedFile(
                "p.csv", "iin,last_name,first_name,region\n871008401427,А,Б,750000000\n"
                .encode())})
    response = client.get(response["Location"])
    page = response.content.decode()
    assert response.status_code == 200
    assert "internal error" in page
    assert "Traceback" not in page and "/srv/osms" not in page and ".py" not in page
    assert "site-packages" not in page
    logged = [r for r in caplog.records if r.name == "osms.errors"]
    assert logged and SECRET_PATH in str(logged[0].exc_info[1])


def test_import_page_still_shows_validation_messages(client, hq_operator,
                                                     django_capture_on_commit_callbacks):
    client.force_login(hq_operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:payers_person_import"), {
            "file": SimpleUploadedFile("p.csv", "iin,last_name\n1,А\n".encode())})
    response = client.get(response["Location"])
    page = response.content.decode()
    assert response.status_code == 200
    assert "internal error" not in page and "missing: first_name, region" in page


@pytest.mark.parametrize("url", ["/api/v1/schema/", "/api/v1/docs/"])
def test_schema_needs_login_in_production(db, settings, url, hq_operator):
    settings.API_SCHEMA_PUBLIC = False
    assert APIClient().get(url).status_code in (401, 403)
    api = APIClient()
    api.force_authenticate(hq_operator)
    assert api.get(url).status_code == 200
    settings.API_SCHEMA_PUBLIC = True
    assert APIClient().get(url).status_code == 200


def test_schema_is_closed_by_default_when_debug_is_off():
    import subprocess
    import sys

    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='osms.settings'; "
            "django.setup(); from django.conf import settings; "
            "print(settings.API_SCHEMA_PUBLIC, settings.DEBUG)")
    env = {"DEBUG": "false", "SECRET_KEY": "x" * 60, "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "False"]


def _csp(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


def test_pages_carry_a_content_security_policy(client, hq_operator):
    client.force_login(hq_operator)
    for url in ("/admin/", "/admin/payers/person/", "/admin/login/", "/api/v1/docs/"):
        response = client.get(url, follow=True)
        policy = _csp(response)
        assert policy["default-src"] == ["'self'"], url
        assert "'unsafe-inline'" not in policy["script-src"], url
        assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]


def test_admin_and_swagger_have_no_inline_script(client, hq_operator):
    """The policy allows scripts only from our own files: the pages must not need more."""
    client.force_login(hq_operator)
    for url in ("/admin/", "/admin/payers/person/", "/admin/payers/person/add/",
                "/api/v1/docs/"):
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S):
            assert tag.strip() == "", (url, tag[:200])
        assert not re.search(r"\son[a-z]+=\"", html), url  # no onclick= handlers
        for src in re.findall(r"<script[^>]+src=\"([^\"]+)\"", html):
            assert src.startswith("/"), (url, src)  # our static files, no CDN


@pytest.mark.parametrize("debug", [True, False])
def test_media_is_never_served(client, hq_operator, settings, tmp_path, debug):
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "imports").mkdir()
    (tmp_path / "imports" / "persons.csv").write_text("871008401427,Ахметова")
    client.force_login(hq_operator)
    with override_settings(DEBUG=debug):
        from importlib import reload

        import osms.urls

        reload(osms.urls)
        response = client.get("/media/imports/persons.csv")
    assert response.status_code == 404
    assert b"871008401427" not in b"".join(getattr(response, "streaming_content", [])
                                           or [response.content])


def test_nul_characters_answer_400_not_500(client, hq_operator):
    """Schemathesis found PATCH /api/v1/persons/<iin>/ with a NUL in a field → 500."""
    from tests.factories import PersonFactory

    person = PersonFactory()
    api = APIClient()
    api.force_authenticate(hq_operator)
    response = api.patch(f"/api/v1/persons/{person.iin}/",
                         "region=%C3%80%004&first_name=A%00B",
                         content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert api.patch(f"/api/v1/persons/{person.iin}/", {"first_name": "A\x00B"},
                     format="json").status_code == 400
    client.force_login(hq_operator)
    assert client.get("/admin/payers/person/", {"region__id__exact": "\x00"}).status_code == 400
    assert client.get("/admin/payers/person/").status_code == 200


def test_nul_in_a_multipart_field_answers_400(hq_operator):
    """Schemathesis found POST /api/v1/persons/ as multipart with a NUL in `region` → 500."""
    api = APIClient()
    api.force_authenticate(hq_operator)
    response = api.post("/api/v1/persons/", {"iin": "871008401427", "last_name": "Ефремова",
                                             "first_name": "Ростислав", "region": "u\x00x"},
                        format="multipart")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    broken = api.generic("POST", "/api/v1/persons/", b"--x\r\nbroken",
                         content_type="multipart/form-data; boundary=x")
    assert broken.status_code == 400
