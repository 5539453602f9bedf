"""Operator views: person panel, risk lists, uninsured report, dashboard, feed upload."""

import datetime
import io

import openpyxl
import pytest
from django.core.cache import cache
from django.utils import timezone

from coverage import services
from coverage.dashboard import dashboard_panels
from coverage.models import CategoryMembership
from osms.core.periods import add_months, add_years
from tests.coverage.helpers import member, pay_months
from tests.factories import ActivityFactory, EmploymentFactory, PersonFactory, region

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def month_back(n):
    return add_months(TODAY, -n)


def eighteen_next_month():
    """A birth date whose 18th birthday is the 10th of next month (also in December)."""
    return add_years(add_months(TODAY, 1).replace(day=10), -18)


@pytest.fixture
def world(db):
    """One person of each kind, statuses recomputed as of today."""
    cache.clear()
    people = {
        "payer": PersonFactory(last_name="Плательщик"),
        "grace": PersonFactory(last_name="Льготный"),
        "teen": PersonFactory(last_name="Выпускник", born=eighteen_next_month()),
        "pensioner": PersonFactory(last_name="Пенсионер"),
        "worker": PersonFactory(last_name="Работник"),
        "ip": PersonFactory(last_name="Предприниматель", region=region("710000000")),
    }
    pay_months(people["payer"], month_back(6), month_back(1))
    pay_months(people["grace"], month_back(8), month_back(3))
    member(people["pensioner"], "pensioners", TODAY - datetime.timedelta(days=400),
           TODAY + datetime.timedelta(days=10))
    EmploymentFactory(employee=people["worker"], started_on=TODAY - datetime.timedelta(days=30))
    ActivityFactory(person=people["ip"], started_on=TODAY - datetime.timedelta(days=30))
    services.status_recompute(on=TODAY, full=True)
    return people


@pytest.mark.postgresql  # ``world`` runs the recomputation
def test_person_page_shows_status_explanation_and_timeline(client, hq_operator, world):
    client.force_login(hq_operator)
    person = world["payer"]
    page = client.get(f"/admin/payers/person/{person.pk}/change/").content.decode()
    assert 'data-panel="coverage"' in page and 'data-insured="1"' in page
    assert "Застрахован: взносы уплачены по" in page
    assert "new→payments" in page  # the timeline row of the first run


@pytest.mark.postgresql  # ``world`` runs the recomputation
def test_risk_filters_list_the_right_persons(client, hq_operator, world):
    client.force_login(hq_operator)
    url = "/admin/coverage/coveragestatus/"
    losing = client.get(url, {"risk": "losing"}).content.decode()
    assert "Льготный" in losing and "Плательщик" not in losing
    ending = client.get(url, {"risk": "category_ending"}).content.decode()
    assert "Пенсионер" in ending and "Льготный" not in ending
    teens = client.get(url, {"risk": "turning18"}).content.decode()
    assert "Выпускник" in teens and "Пенсионер" not in teens
    uninsured = client.get(url, {"risk": "uninsured"}).content.decode()
    assert "Работник" in uninsured and "Плательщик" not in uninsured


@pytest.mark.postgresql  # ``world`` runs the recomputation
def test_uninsured_report_by_region_and_payer_type_and_excel(client, hq_operator, world):
    client.force_login(hq_operator)
    page = client.get("/admin/coverage/coveragestatus/uninsured/")
    assert page.status_code == 200
    by_kato = {row[0]: row[2:] for row in page.context["rows"]}
    assert by_kato["750000000"] == [1, 0, 0, 1]  # the worker: employee, uninsured
    assert by_kato["710000000"] == [0, 1, 0, 1]  # the entrepreneur
    xlsx = client.get("/admin/coverage/coveragestatus/uninsured/", {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][0] == "710000000" and values[1][-1] == 1


@pytest.mark.postgresql  # ``world`` runs the recomputation
def test_regional_operator_report_and_list_hide_other_regions(client, astana_operator, world):
    client.force_login(astana_operator)
    page = client.get("/admin/coverage/coveragestatus/uninsured/")
    assert [row[0] for row in page.context["rows"]] == ["710000000"]
    listing = client.get("/admin/coverage/coveragestatus/").content.decode()
    assert "Предприниматель" in listing and "Плательщик" not in listing


@pytest.mark.postgresql  # ``world`` runs the recomputation
def test_dashboard_panel_shows_share_by_region_against_target(rf, hq_operator, world):
    request = rf.get("/admin/")
    request.user = hq_operator
    panels = dashboard_panels(request)
    share = panels[0]
    assert share["key"] == "coverage"
    almaty = next(b for b in share["bars"] if b["label"] in ("город Алматы", "Almaty"))
    # Almaty: payer, grace, teen (child), pensioner insured; worker not → 4 of 5
    assert almaty["share"] == 80.0 and almaty["target"] == 95
    bases = {b["label"]: b["value"] for b in panels[1]["bars"]}
    assert len(bases) == 3


def test_feed_upload_in_admin(client, hq_operator, django_capture_on_commit_callbacks):
    """The upload keeps the file and queues the run; the worker loads it (issue 17.5)."""
    person = PersonFactory()
    client.force_login(hq_operator)

    def post(**extra):
        upload = io.BytesIO(
            f"iin;category;starts_on\n{person.iin};disabled;2026-01-01\n".encode("cp1251"))
        upload.name = "mtszn.csv"
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/admin/coverage/categoryfeedrun/upload/",
                               {"partner": "labour_is", "file": upload, **extra})

    response = post()
    assert response.status_code == 302
    assert CategoryMembership.objects.get(person=person).category.code == "disabled"
    page = client.get(response["Location"]).content.decode()
    assert "100 %" in page
    warned = post()  # the same file: the page asks first (issue 18.5)
    assert warned.status_code == 200 and "This file was already loaded" in \
        warned.content.decode()
    again = post(reload="on")  # confirmed: the earlier run, nothing queued
    assert again["Location"] == response["Location"]
    assert CategoryMembership.objects.count() == 1


def test_feed_upload_over_the_limit_is_refused(client, hq_operator, settings):
    settings.IMPORT_MAX_MB = {"categories": 0}
    client.force_login(hq_operator)
    upload = io.BytesIO(b"iin;category;starts_on\n")
    upload.name = "big.csv"
    response = client.post("/admin/coverage/categoryfeedrun/upload/",
                           {"partner": "labour_is", "file": upload})
    assert response.status_code == 200
    assert "“big.csv” is 0 MB; files of this kind may be at most 0 MB" in str(
        response.context["form"].errors["file"])


@pytest.mark.postgresql  # ``world`` runs the recomputation
def test_recompute_runs_list_shows_progress(client, hq_operator, world):
    client.force_login(hq_operator)
    page = client.get("/admin/coverage/recomputerun/").content.decode()
    assert "1/1" in page
