"""Navigation an operator expects (issue 18.3): exact ИИН/БИН opens the record, the person page
links to everything recorded about the person, the dashboard's bars lead to the lists."""

from django.urls import reverse
from django.utils import translation

from tests.factories import OrganisationFactory, PersonFactory


def test_an_exact_iin_opens_the_person_and_a_prefix_lists(client, hq_operator):
    person = PersonFactory()
    client.force_login(hq_operator)
    url = reverse("admin:payers_person_changelist")
    response = client.get(url, {"q": person.iin})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:payers_person_change", args=[person.pk])
    assert client.get(url, {"q": person.iin[:6]}).status_code == 200


def test_an_exact_bin_opens_the_organisation(client, hq_operator):
    organisation = OrganisationFactory()
    client.force_login(hq_operator)
    response = client.get(reverse("admin:payers_organisation_changelist"),
                          {"q": organisation.bin})
    assert response["Location"] == reverse("admin:payers_organisation_change",
                                           args=[organisation.pk])


def test_another_regions_iin_is_not_opened_for_a_regional_operator(client, almaty_operator,
                                                                   astana):
    person = PersonFactory(region=astana)
    client.force_login(almaty_operator)
    response = client.get(reverse("admin:payers_person_changelist"), {"q": person.iin})
    assert response.status_code == 200  # an empty list, not the record


def test_the_person_page_links_to_everything_about_the_person(client, hq_operator):
    person = PersonFactory()
    client.force_login(hq_operator)
    page = client.get(reverse("admin:payers_person_change", args=[person.pk])).content.decode()
    for name, query in [("payers_payment_changelist", f"person__id__exact={person.pk}"),
                        ("payers_arrear_changelist", f"person__id__exact={person.pk}"),
                        ("coverage_coveragehistory_changelist", f"person__id__exact={person.pk}"),
                        ("coverage_categorymembership_changelist",
                         f"person__id__exact={person.pk}"),
                        ("reconciliation_discrepancy_changelist", f"iin={person.iin}"),
                        ("packages_packageversion_eligibility_tool", f"iin={person.iin}")]:
        link = f"{reverse('admin:' + name)}?{query}"
        assert link in page, name
        assert client.get(link).status_code == 200, link


def test_the_person_list_shows_the_insured_status(client, hq_operator, settings):
    from coverage.models import CoverageStatus, RecomputeRun

    settings.LANGUAGE_CODE = "ru"
    insured, unknown = PersonFactory(last_name="Застрахованный"), PersonFactory()
    run = RecomputeRun.objects.create(on="2026-01-01", mode=RecomputeRun.Mode.FULL)
    CoverageStatus.objects.create(person=insured, insured=True, basis="payments",
                                  as_of="2026-01-01", run=run)
    client.force_login(hq_operator)
    with translation.override("ru"):
        page = client.get(reverse("admin:payers_person_changelist")).content.decode()
    assert "застрахован" in page and unknown.iin in page


def test_the_dashboard_gives_buttons_not_shell_commands(client, hq_operator, settings):
    settings.LANGUAGE_CODE = "ru"
    client.force_login(hq_operator)
    page = client.get(reverse("admin:index")).content.decode()
    assert "manage.py" not in page
    assert reverse("admin:coverage_recomputerun_start_full") in page
    assert reverse("admin:reconciliation_reconciliationrun_run_period") in page


def test_a_regional_operator_is_told_who_starts_the_recomputation(client, almaty_operator,
                                                                  settings):
    settings.LANGUAGE_CODE = "ru"
    client.force_login(almaty_operator)
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:coverage_recomputerun_start_full") not in page
    assert "Первый пересчёт запускает центральный аппарат." in page


def test_an_estimated_count_reads_as_an_estimate(client, hq_operator, settings):
    import re

    settings.ADMIN_EXACT_COUNT_LIMIT = 2
    for _ in range(4):
        PersonFactory()
    client.force_login(hq_operator)
    page = client.get(reverse("admin:payers_person_changelist")).content.decode()
    count = re.search(r"data-result-count>(.*?)</div>", page, re.S).group(1)
    assert "≈" in count
    settings.ADMIN_EXACT_COUNT_LIMIT = 100
    page = client.get(reverse("admin:payers_person_changelist")).content.decode()
    count = re.search(r"data-result-count>(.*?)</div>", page, re.S).group(1)
    assert "≈" not in count and "4" in count


def test_the_download_centre_shows_each_exports_filters(hq_operator, almaty, settings):
    from django.contrib.contenttypes.models import ContentType
    from django.utils import translation

    from coverage.models import CoverageStatus
    from osms.exports.filters_text import filters_text

    with translation.override("ru"):
        shown = filters_text(CoverageStatus, f"insured__exact=0&person__region__id__exact="
                                             f"{almaty.pk}&q=8710&o=2")
    assert shown == [("застрахован", "нет"), ("регион", almaty.name_ru), ("поиск", "8710")]
    assert ContentType.objects.get_for_model(CoverageStatus)  # the job's model is known
