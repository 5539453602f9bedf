"""The operator's tools (issue 18.4): the calculator and the eligibility check in the sidebar
for whoever may use them, every application still listed; ICD-10 suggestions by code and by
name."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from osms.core.navigation import sidebar_navigation
from packages.models import CareType, Icd10Code
from tests.factories import UserFactory

CALCULATOR = "admin:payers_calculator"
ELIGIBILITY = "admin:packages_packageversion_eligibility_tool"
SUGGEST = "admin:packages_icd10code_suggest"


def _sidebar(client, user, language="ru"):
    client.force_login(user)
    with translation.override(language):
        response = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        groups = response.context["sidebar_navigation"]
        for group in groups:  # the titles as the page read them
            group["title"] = str(group["title"])
    return groups


def _links(groups):
    return {item["link"] for group in groups for item in group["items"]
            if item["has_permission"]}


def test_the_tools_lead_the_sidebar_and_every_application_stays(client, hq_operator):
    groups = _sidebar(client, hq_operator)
    assert groups[0]["title"] == "Инструменты"
    assert [item["link"] for item in groups[0]["items"]] == [reverse(CALCULATOR),
                                                             reverse(ELIGIBILITY)]
    assert reverse("admin:payers_person_changelist") in _links(groups)
    assert reverse("admin:packages_icd10code_changelist") in _links(groups)
    page = client.get(reverse(CALCULATOR)).content.decode()
    assert 'href="/admin/payers/contributionrate/calculator/"' in page


def test_a_user_without_the_permission_sees_no_tool_and_may_not_open_it(client, db):
    nobody = UserFactory(username="no_roles")
    groups = _sidebar(client, nobody, "kk")
    assert reverse(CALCULATOR) not in _links(groups)
    assert reverse(ELIGIBILITY) not in _links(groups)
    assert client.get(reverse(CALCULATOR)).status_code == 403
    assert client.get(reverse(ELIGIBILITY)).status_code == 403


def test_the_callbacks_decide_per_tool(rf, almaty_operator):
    def links(user):
        request = rf.get("/admin/")
        request.user = user
        return {item["link"] for group in sidebar_navigation(request)
                for item in group["items"]}

    assert {reverse(CALCULATOR), reverse(ELIGIBILITY)} <= links(almaty_operator)
    rates_only = UserFactory(username="rates_only")
    rates_only.user_permissions.add(
        Permission.objects.get(codename="view_contributionrate"),
        Permission.objects.get(codename="view_packageversion"))  # no coverage status: no check
    assert reverse(CALCULATOR) in links(rates_only)
    assert reverse(ELIGIBILITY) not in links(rates_only)


@pytest.mark.parametrize("typed", ["01.2026", "2026-01"])
def test_the_calculator_page_takes_both_month_formats(client, hq_operator, typed):
    client.force_login(hq_operator)
    response = client.get(reverse(CALCULATOR), {"payer_type": "self_payer", "period": typed})
    assert response.context["result"]["period"].isoformat() == "2026-01-01"


@pytest.mark.parametrize("typed", ["1.2026", "2026-13", "январь 2026", "2026-01-01"])
def test_the_calculator_page_names_the_formats_for_a_wrong_month(client, hq_operator, typed):
    client.force_login(hq_operator)
    response = client.get(reverse(CALCULATOR), {"payer_type": "self_payer", "period": typed})
    assert response.context["result"] is None
    assert "MM.YYYY or YYYY-MM" in response.context["form"].errors["period"][0]


@pytest.mark.parametrize("typed", ["01.03.2026", "2026-03-01"])
def test_the_eligibility_check_takes_the_date_as_printed_and_as_iso(client, hq_operator,
                                                                   typed):
    from tests.factories import PersonFactory

    client.force_login(hq_operator)
    person = PersonFactory()
    response = client.post(reverse(ELIGIBILITY), {"iin": person.iin, "date": typed,
                                                  "care_type": CareType.objects.get(
                                                      code="ambulance").pk})
    assert response.status_code == 200
    assert response.context["result"] is not None, response.context["form"].errors
    assert 'data-icd10-suggest="/admin/packages/icd10code/suggest/"' in (
        response.content.decode())


def _suggest(client, term):
    response = client.get(reverse(SUGGEST), {"q": term})
    assert response.status_code == 200
    return [row["code"] for row in response.json()["results"]]


def test_icd10_suggestions_by_code_and_by_name(client, almaty_operator):
    client.force_login(almaty_operator)
    assert _suggest(client, "I10")[0] == "I10"
    assert _suggest(client, "b18.1")[0] == "B18.1"
    assert _suggest(client, "В18")[0].startswith("B18")  # Cyrillic В on a Russian keyboard
    assert "I10" in _suggest(client, "гипертенз")
    Icd10Code.objects.filter(code="I10").update(name_kk="Эссенциалдық гипертензия")
    assert _suggest(client, "эссенциалдық") == ["I10"]
    assert _suggest(client, "") == []


def test_icd10_suggestions_are_twenty_codes_at_most_never_chapters(client, hq_operator):
    client.force_login(hq_operator)
    codes = _suggest(client, "A")
    assert len(codes) == 20
    kinds = set(Icd10Code.objects.filter(code__in=codes).values_list("kind", flat=True))
    assert kinds <= {"category", "subcategory"}


def test_icd10_suggestions_need_a_permission(client, db):
    client.force_login(UserFactory(username="no_roles_icd"))
    assert client.get(reverse(SUGGEST), {"q": "I10"}).status_code == 403
    client.logout()
    assert client.get(reverse(SUGGEST), {"q": "I10"}).status_code == 302  # to the login


def test_the_diagnosis_restriction_form_suggests_codes(client, hq_operator):
    client.force_login(hq_operator)
    page = client.get(reverse("admin:monitoring_diagnosisrestriction_add")).content.decode()
    assert page.count("data-icd10-suggest=") == 2
    assert "packages/icd10_suggest.js" in page
