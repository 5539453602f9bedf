"""Imports (issue 18.5): a file loaded before is recognised on the upload page of every import
kind (one mechanism, ``osms.core.uploads.ImportUploadForm``) and loaded again only when the
operator ticks the box; a finished run is never announced as queued; a rejected payment row
says which ИИН rule failed."""

import hashlib

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from osms.core.uploads import ImportUploadForm, already_loaded_message, queued_message
from payers.models import ImportRun, Payment, PaymentReject, RegistryImportRun
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
PAYMENTS = ("payer_id,iin,last_name,first_name,period,knp,amount,paid_on,document_no\n"
            "120540000011,871008401427,Ахметова,Айгерим,092026,121,9000.00,2026-10-12,PP-1\n")


def sha(content):
    return hashlib.sha256(content.encode()).hexdigest()


def post_payments(client, content, run_now, **extra):
    with run_now(execute=True):
        return client.post(reverse("admin:payers_importrun_upload"),
                           {"file": SimpleUploadedFile("orders.csv", content.encode()),
                            **extra})


def test_the_same_payment_file_asks_before_loading_again(client, hq_operator,
                                                         django_capture_on_commit_callbacks):
    PersonFactory(iin="871008401427")
    client.force_login(hq_operator)
    first = post_payments(client, PAYMENTS, django_capture_on_commit_callbacks)
    assert first.status_code == 302
    run = ImportRun.objects.get()
    assert run.checksum == sha(PAYMENTS)

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    again = post_payments(client, PAYMENTS, django_capture_on_commit_callbacks)
    html = again.content.decode()
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert again.status_code == 200 and ImportRun.objects.count() == 1  # nothing queued
    when = timezone.localtime(run.created_at).strftime("%d.%m.%Y %H:%M")
    assert f"Этот файл уже загружен {when} (запуск №{run.pk}, статус «Готово»)" in html
    assert 'type="checkbox" name="reload"' in html

    confirmed = post_payments(client, PAYMENTS, django_capture_on_commit_callbacks,
                              reload="on")
    assert confirmed.status_code == 302 and ImportRun.objects.count() == 2
    second = ImportRun.objects.order_by("-id").first()
    assert (second.status, second.loaded, second.duplicates) == ("done", 0, 1)
    assert Payment.objects.count() == 1  # the money is never doubled


def test_a_finished_run_is_announced_as_loaded_not_queued():
    """The upload's message is read from the run when the transaction has committed: with a
    fast worker (eager tasks in the quick start) the run is already done, never «queued»."""
    from django.contrib import messages

    run = ImportRun.objects.create(file_name="a.csv", source="admin")
    assert queued_message(run) == (messages.SUCCESS, "The file was queued for import.")
    for status, level, text in (
            ("running", messages.SUCCESS, f"The file is being loaded (run №{run.pk})."),
            ("done", messages.SUCCESS, f"The file is loaded (run №{run.pk})."),
            ("failed", messages.ERROR, f"The import (run №{run.pk}) failed and loaded "
                                       "nothing; its page says why.")):
        ImportRun.objects.filter(pk=run.pk).update(status=status)
        assert queued_message(run) == (level, text)


def test_the_same_registry_file_asks_too(client, hq_operator,
                                         django_capture_on_commit_callbacks):
    content = "iin,last_name,first_name,region\n871008401427,Ахметова,Айгерим,750000000\n"
    client.force_login(hq_operator)
    url = reverse("admin:payers_person_import")
    for data in ({}, {}, {"reload": "on"}):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"file": SimpleUploadedFile("p.csv", content.encode()), **data})
    assert RegistryImportRun.objects.count() == 2
    assert [r.status for r in RegistryImportRun.objects.order_by("id")] == ["done", "done"]


def upload_forms():
    """Every import's upload form (the registry's is made per page, from the same base)."""
    from coverage.admin.computed import FeedUploadForm
    from monitoring.admin.runs import CaseFileForm
    from packages.admin.tariffs import TariffUploadForm
    from payers.admin.payments import UploadForm as PaymentForm
    from reconciliation.admin.imports import UploadForm as DeclarationForm

    return [PaymentForm, TariffUploadForm, DeclarationForm, FeedUploadForm, CaseFileForm]


@pytest.mark.parametrize("form_class", upload_forms(), ids=lambda f: f.runs._meta.label)
def test_every_import_kind_recognises_a_file_loaded_before(form_class, hq_operator):
    content = "a;b\n1;2\n"
    runs = form_class.runs
    values = {"file_name": "old.csv", form_class.checksum_field: sha(content)}
    if runs._meta.model_name == "categoryfeedrun":
        values["partner"] = "labour_is"
    earlier = runs._base_manager.create(**values)
    data = {"partner": "labour_is"} if "partner" in form_class.base_fields else {}

    def bound(**extra):
        return form_class({**data, **extra}, {"file": SimpleUploadedFile("new.csv",
                                                                         content.encode())},
                          user=hq_operator)

    refused = bound()
    assert not refused.is_valid()
    assert refused.errors["reload"] == [already_loaded_message(earlier) + " To load it again, "
                                        "tick the box and choose the file once more: rows "
                                        "loaded before are recognised and not loaded twice."]
    assert f"run №{earlier.pk}" in refused.errors["reload"][0]
    assert bound(reload="on").is_valid()
    assert issubclass(form_class, ImportUploadForm)


def test_payment_rejects_say_which_iin_rule_failed(tmp_path):
    from payers.admin.payments import PaymentRejectAdmin
    from payers.imports.service import payment_import

    header = "payer_id,iin,last_name,first_name,period,knp,amount,paid_on,document_no\n"
    rows = {
        "87100840142": "must have 12 digits, got 11",  # length
        "87100840142X": "digits only",
        "871008701427": "7th digit (century and sex) must be 1–6",
        "870230400000": "impossible birth date 870230",
        "871008401428": "check digit is wrong: expected",
    }
    path = tmp_path / "bad.csv"
    path.write_text(header + "".join(
        f"120540000011,{iin},А,Б,092026,121,9000.00,2026-10-12,PP-{n}\n"
        for n, iin in enumerate(rows)), encoding="utf-8")
    run = payment_import(path=str(path))
    rejects = {r.iin: r for r in PaymentReject.objects.filter(import_run=run)}
    assert set(rejects) == set(rows)
    for iin, words in rows.items():
        assert rejects[iin].reason == "iin"
        assert words in rejects[iin].reason_text, (iin, rejects[iin].reason_text)
        assert rejects[iin].reason_text.startswith("IIN is not valid: ")
    column = PaymentRejectAdmin.reason_col(None, rejects["871008401428"])
    assert "check digit is wrong" in column
