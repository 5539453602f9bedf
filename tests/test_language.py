"""The admin speaks Russian by default and switches to Kazakh or English per user."""

from django.urls import reverse

import osms.settings as project_settings
from tests.factories import PersonFactory


def test_project_default_is_russian():
    assert project_settings.LANGUAGE_CODE == "ru"
    assert [code for code, _ in project_settings.LANGUAGES] == ["ru", "kk", "en"]


def test_admin_is_russian_by_default_and_switches_to_kazakh(client, settings, hq_operator):
    settings.LANGUAGE_CODE = "ru"
    PersonFactory()
    client.force_login(hq_operator)
    russian = client.get(reverse("admin:payers_person_changelist")).content.decode()
    assert "Физические лица" in russian or "физические лица" in russian.lower()
    response = client.post(reverse("set_language"), {"language": "kk", "next": "/admin/"})
    assert response.status_code == 302
    kazakh = client.get(reverse("admin:payers_person_changelist")).content.decode()
    assert "жеке тұлғалар" in kazakh.lower()
    assert "ЖСН" in kazakh
    client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    english = client.get(reverse("admin:payers_person_changelist")).content.decode()
    assert "persons" in english.lower()


def test_validation_messages_are_translated(client, settings, hq_operator):
    from rest_framework.test import APIClient

    settings.LANGUAGE_CODE = "ru"
    api = APIClient()
    api.force_authenticate(hq_operator)
    response = api.post(
        "/api/v1/persons/",
        {"iin": "871008401428", "last_name": "A", "first_name": "B", "region": "750000000"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="kk",
    )
    assert response.status_code == 400
    assert "бақылау разряды" in " ".join(response.json()["iin"])


def test_permission_choices_are_shown_in_the_users_language(client, settings, db):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    settings.LANGUAGE_CODE = "ru"
    admin_user = UserFactory(is_superuser=True)
    client.force_login(admin_user)
    group = Group.objects.get(name="Auditor")
    page = client.get(reverse("admin:auth_group_change", args=[group.pk])).content.decode()
    assert "Can view: person" not in page
    assert "физическое лицо" in page


def test_an_english_browser_still_gets_russian_until_the_user_switches(client, settings,
                                                                       hq_operator):
    settings.LANGUAGE_CODE = "ru"
    client.force_login(hq_operator)
    page = client.get(reverse("admin:payers_person_changelist"),
                      HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Физические лица" in page or "физические лица" in page.lower()
    kazakh = client.get(reverse("admin:payers_person_changelist"),
                        HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert "жеке тұлғалар" in kazakh.lower()
