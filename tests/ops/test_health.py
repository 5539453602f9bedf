"""GET /health/: database, broker, nightly jobs, reference data, replica (issue 17)."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from coverage.models import RecomputeRun
from osms.core.drf import AddressScopedRateThrottle
from osms.core.health import check_replica
from osms.core.jobs import JobRun
from packages.models import Icd10Code
from reconciliation.models import ReconciliationRun
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

NIGHTLY = ("coverage.recompute_statuses", "reconciliation.reconcile_late_data",
           "payers.arrears_recompute")


def ran(task, *, hours_ago=2, status=JobRun.Status.DONE, error=""):
    started = timezone.now() - datetime.timedelta(hours=hours_ago)
    return JobRun.objects.create(task=task, status=status, started_at=started,
                                 finished_at=started + datetime.timedelta(minutes=5),
                                 error=error)


@pytest.fixture
def jobs_ran_last_night():
    for task in NIGHTLY:
        ran(task)
    ran("reconciliation.reconcile_closed_period", hours_ago=24 * 8)


def health():
    response = Client().get("/health/")
    return response.status_code, response.json()


def test_healthy_when_every_job_ran_and_the_reference_data_is_there(jobs_ran_last_night):
    person = PersonFactory(last_name="Ахметова")
    status, body = health()
    assert (status, body["status"], body["failing"]) == (200, "ok", [])
    checks = body["checks"]
    assert checks["database"]["ok"] and checks["broker"] == {"ok": True, "configured": False}
    assert checks["jobs"]["jobs"]["payers.arrears"]["age_hours"] == pytest.approx(1.9, abs=0.1)
    assert checks["reference"]["items"]["icd10"]["detail"]["codes"] > 10_000
    assert checks["reference"]["items"]["status_policy"]["ok"] is True
    assert checks["replica"] == {"ok": True, "configured": False}
    text = str(body)
    assert person.iin not in text and "Ахметова" not in text


def test_an_empty_icd10_table_fails_the_reference_check(jobs_ran_last_night):
    Icd10Code.objects.all().delete()
    status, body = health()
    assert (status, body["failing"]) == (503, ["reference:icd10"])


def test_a_nightly_job_without_a_success_for_26_hours_fails(jobs_ran_last_night):
    JobRun.objects.filter(task="payers.arrears_recompute").update(
        finished_at=timezone.now() - datetime.timedelta(hours=30))
    ran("payers.arrears_recompute", hours_ago=1, status=JobRun.Status.FAILED,
        error="RateNotFound: no penalty rule")
    status, body = health()
    assert (status, body["failing"]) == (503, ["jobs:payers.arrears"])
    arrears = body["checks"]["jobs"]["jobs"]["payers.arrears"]
    assert arrears["age_hours"] >= 30 and arrears["failed_last_30_days"] == 1


def test_a_run_of_the_app_counts_and_a_stuck_one_fails(jobs_ran_last_night):
    JobRun.objects.filter(task="coverage.recompute_statuses").delete()
    done = RecomputeRun.objects.create(on=timezone.localdate(), mode="full", status="done",
                                       finished_at=timezone.now())
    assert health()[0] == 200  # a run started from the admin or a command counts
    stuck = RecomputeRun.objects.create(on=timezone.localdate(), mode="incremental")
    RecomputeRun.objects.filter(pk=stuck.pk).update(
        started_at=timezone.now() - datetime.timedelta(hours=9))
    status, body = health()
    assert (status, body["failing"]) == (503, ["jobs:coverage.recompute"])
    assert body["checks"]["jobs"]["jobs"]["coverage.recompute"]["stuck"] == 1
    assert done.pk != stuck.pk


def test_an_unreachable_broker_fails(jobs_ran_last_night, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    status, body = health()
    assert (status, body["failing"]) == (503, ["broker"])
    assert body["checks"]["broker"]["configured"] is True


def test_a_primary_given_as_replica_is_reported_as_not_replicating():
    replica = check_replica(alias="default")
    assert (replica["ok"], replica["configured"], replica["in_recovery"]) == (False, True, False)


def test_the_health_check_is_throttled_per_address(jobs_ran_last_night, monkeypatch):
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(AddressScopedRateThrottle, "THROTTLE_RATES",
                        {**AddressScopedRateThrottle.THROTTLE_RATES, "health": "2/min"})
    codes = [Client(REMOTE_ADDR="10.0.0.7").get("/health/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert Client(REMOTE_ADDR="10.0.0.8").get("/health/").status_code == 200


def test_scheduled_tasks_leave_job_runs(monkeypatch):
    from payers import tasks

    assert tasks.arrears_recompute_task.delay(as_of="2026-03-01").get() == 0
    monkeypatch.setattr(tasks, "arrears_recompute",
                        lambda **kw: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError):
        tasks.arrears_recompute_task.delay()
    runs = list(JobRun.objects.order_by("id").values_list("task", "status", "error"))
    assert runs == [("payers.arrears_recompute", "done", ""),
                    ("payers.arrears_recompute", "failed", "RuntimeError: disk full")]


def test_failed_and_stuck_runs_are_listed_on_the_dashboard_with_links(hq_operator,
                                                                      almaty_operator):
    failed = ReconciliationRun.objects.create(
        period=datetime.date(2026, 9, 1), trigger="nightly", tolerance=0, status="failed",
        error="division by zero")
    stuck = ran("coverage.recompute_statuses", hours_ago=12, status=JobRun.Status.RUNNING)
    client = Client()
    client.force_login(hq_operator)
    html = client.get("/admin/").content.decode()
    assert 'data-panel="failed_jobs"' in html
    assert f'href="/admin/reconciliation/reconciliationrun/{failed.pk}/change/"' in html
    assert "division by zero" in html
    assert f'href="/admin/core/jobrun/{stuck.pk}/change/"' in html
    client.force_login(almaty_operator)  # may view no run: no panel
    assert 'data-panel="failed_jobs"' not in client.get("/admin/").content.decode()
