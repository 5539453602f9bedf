"""Admin of the payments ledger: payments, import runs and their rejects, the suspense queue.

Thin over ``payers.ledger`` and ``payers.imports``: a payment is never edited or
deleted here; reversals, matches and returns go through the services.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from osms.core.admin_display import (
    ImportRunAdminMixin,
    field_column,
    help_with_codes,
)
from osms.core.admin_mixins import (
    LogEntryHistoryMixin,
    OsmsModelAdmin,
    ReadOnlyAdminMixin,
    RegionScopedAdmin,
    confirmed_post,
)
from osms.core.errors import admin_call, form_call
from osms.core.formatting import money
from osms.core.uploads import ImportFileField, ImportUploadForm, queued_message
from osms.exports.admin import BackgroundExportMixin

from .. import ledger
from ..imports import import_run_create
from ..models import ImportRun, KnpCode, Payment, PaymentReject, Person, SuspensePayment
from ..selectors import iin_search
from .common import form_page, scoped_object


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["person", "payer_code", "period", "knp", "amount", "paid_on", "document_no",
                  "note"]


class ReverseForm(forms.Form):
    amount = forms.DecimalField(label=_("amount to reverse"), max_digits=14, decimal_places=2,
                                required=False,
                                help_text=_("Empty: everything that still stands."))
    reason = forms.CharField(label=_("reason"), max_length=300)


class KnpFilter(admin.SimpleListFilter):
    """The ledger's KNP codes from their reference table (``KnpCode``): the default filter of a
    plain field would read ``SELECT DISTINCT knp`` over the whole ledger on every page."""

    title = _("KNP")
    parameter_name = "knp"

    def lookups(self, request, model_admin):
        return [(code.knp, str(code)) for code in KnpCode.objects.order_by("knp")]

    def queryset(self, request, queryset):
        return queryset.filter(knp=self.value()) if self.value() else queryset


@admin.register(Payment)
class PaymentAdmin(LogEntryHistoryMixin, BackgroundExportMixin, RegionScopedAdmin):
    list_display = ("id", "iin", "payer_code", "period", "kind", "knp", "amount", "paid_on",
                    "document_no", "reverses", "posted_at")
    list_filter = ("kind", KnpFilter, "period", "person__region")
    search_fields = ("iin",)
    search_help_text = _("Exact IIN (12 digits), optionally followed by a document number.")
    form = PaymentForm
    autocomplete_fields = ("person",)
    readonly_fields = ("posted_at",)
    actions_detail = ["reverse_payment"]
    export_columns = ["id", "iin", "payer_code", "period", "kind", "knp", "amount", "paid_on",
                      "document_no", "reverses_id", "posted_at"]

    def get_search_results(self, request, queryset, search_term):
        # By the person (the registry's ИИН index, then the ledger's (person, period)
        # index): the ledger has no index of its own on the ИИН or the document number, and
        # adding one would cost every import (docs/scale.md).
        iin, _space, document = search_term.strip().partition(" ")
        if not iin:
            return queryset, False
        found = iin_search(queryset, iin)
        if found is None:
            self.message_user(request, _("Search the ledger by the exact IIN (12 digits), "
                                         "optionally followed by a document number."),
                              messages.WARNING)
            return queryset.none(), False
        return (found.filter(document_no=document.strip()) if document.strip() else found,
                False)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # A ValidationError shows on the re-displayed form (OsmsModelAdmin).
        data = form.cleaned_data
        saved = ledger.payment_post(
            person=data["person"], payer_code=data["payer_code"], period=data["period"],
            knp=data["knp"], amount=data["amount"], paid_on=data["paid_on"],
            document_no=data["document_no"], note=data.get("note", ""),
            acting_user=request.user)
        obj.pk = saved.pk

    def has_reverse_payment_permission(self, request, obj=None):
        return request.user.has_perm("payers.add_payment")

    @action(description=_("Reverse"), url_path="reverse", icon="undo",
            permissions=["reverse_payment"])
    def reverse_payment(self, request, object_id):
        payment = scoped_object(self, request, object_id)
        form = ReverseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            entry = form_call(form, ledger.payment_reverse, payment=payment,
                              amount=form.cleaned_data["amount"],
                              reason=form.cleaned_data["reason"], acting_user=request.user)
            if entry is not None:
                self.message_user(request, _("Reversing entry #%(id)s posted.")
                                  % {"id": entry.pk}, messages.SUCCESS)
                return redirect(reverse("admin:payers_payment_change", args=[entry.pk]))
        return form_page(self, request, form, title=_("Reverse payment %(p)s") % {"p": payment},
                         intro=_("Still standing: %(amount)s") % {
                             "amount": money(ledger.standing_amount(payment))},
                         submit=_("Post the reversing entry"))


class UploadForm(ImportUploadForm):
    runs = ImportRun
    file = ImportFileField(kind="payments", label=_("payment file (CSV or xlsx)"))


@admin.register(ImportRun)
class ImportRunAdmin(ImportRunAdminMixin, LogEntryHistoryMixin, OsmsModelAdmin):
    list_display = ("id", "file_name", "source", "status", "progress", "rows_total", "loaded",
                    "duplicates", "rejected", "suspense", "duration_display", "created_by",
                    "created_at")
    list_filter = ("status", "source")
    readonly_fields = ("progress_bar", "rejects_link", "payments_link",
                       *[f.name for f in ImportRun._meta.fields], "duration_display")

    @admin.display(description=_("rejected rows"))
    def rejects_link(self, obj):
        url = reverse("admin:payers_paymentreject_changelist") + f"?import_run__id__exact={obj.pk}"
        return format_html('<a href="{}">{} →</a>', url, obj.rejected)

    @admin.display(description=_("posted payments"))
    def payments_link(self, obj):
        if obj.first_payment_id is None:
            return "—"
        url = (reverse("admin:payers_payment_changelist")
               + f"?id__gte={obj.first_payment_id}&id__lte={obj.last_payment_id}")
        return format_html('<a href="{}">{} →</a>', url, obj.loaded)

    def get_urls(self):
        return [path("upload/", self.admin_site.admin_view(self.upload_view),
                     name="payers_importrun_upload")] + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:payers_importrun_upload")

    def upload_view(self, request):
        from ..tasks import payment_import_task

        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            with transaction.atomic():
                run = form.remember_checksum(import_run_create(
                    file_name=upload.name, source=ImportRun.Source.ADMIN,
                    acting_user=request.user, file=upload))
                transaction.on_commit(lambda: payment_import_task.delay(run.pk))
            level, text = queued_message(run)
            self.message_user(request, text, level)
            return redirect(reverse("admin:payers_importrun_change", args=[run.pk]))
        return form_page(self, request, form, title=_("Import a payment file"),
                         submit=_("Import"),
                         help_text=help_with_codes(
                             _("CSV (UTF-8 or Windows-1251) or xlsx with the header {header}: "
                               "the period as {period}, the amount in tenge with a dot, the "
                               "payment date as {date}."),
                             header="payer_id,iin,last_name,first_name,period,knp,amount,"
                                    "paid_on,document_no", period="MMYYYY", date="YYYY-MM-DD"))


@admin.register(PaymentReject)
class PaymentRejectAdmin(ReadOnlyAdminMixin, BackgroundExportMixin, OsmsModelAdmin):
    # The row as read from the file; headers in words (the file's column names are the
    # fields' own verbose names, kept for the reject export).
    list_display = ("import_run", "line_no", "reason_col", "payer_col", "iin_col", "period",
                    "knp_col", "amount", "paid_on_col", "document_col")
    payer_col = field_column("payer_id", _("payer (IIN/BIN)"))
    iin_col = field_column("iin", _("IIN"))
    knp_col = field_column("knp", _("payment purpose code (KNP)"))
    paid_on_col = field_column("paid_on", _("paid on"))
    document_col = field_column("document_no", _("document number"))
    last_name_col = field_column("last_name", _("last name"))
    first_name_col = field_column("first_name", _("first name"))
    readonly_fields = ("import_run", "line_no", "reason_col", "payer_col", "iin_col",
                       "last_name_col", "first_name_col", "period", "knp_col", "amount",
                       "paid_on_col", "document_col")
    fields = readonly_fields
    list_filter = ("reason", "import_run")
    list_select_related = ("import_run",)
    ordering = ("import_run", "line_no")

    @admin.display(description=_("reason"), ordering="reason")
    def reason_col(self, obj):
        return obj.reason_text  # the label and the rule the validator names (which ИИН rule)


class ReturnForm(forms.Form):
    note = forms.CharField(label=_("reason for the return"), max_length=500)


@admin.register(SuspensePayment)
class SuspensePaymentAdmin(BackgroundExportMixin, OsmsModelAdmin):
    list_display = ("iin", "last_name", "first_name", "payer_code", "period", "knp", "amount",
                    "paid_on", "document_no", "status", "registered")
    list_filter = ("status", "period")
    search_fields = ("iin", "document_no")
    search_help_text = _("Exact IIN or document number.")
    readonly_fields = [f.name for f in SuspensePayment._meta.fields]
    actions = ["match_selected"]
    actions_list = ["match_all_registered"]
    actions_detail = ["return_to_payer"]

    def get_search_results(self, request, queryset, search_term):
        # Exact values, each served by an index (the ИИН; the source-row key starts with the
        # document number), never a substring scan of the queue.
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(Q(iin=term) | Q(document_no=term)), False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("IIN registered"), boolean=True)
    def registered(self, obj):
        return Person.objects.filter(iin=obj.iin).exists()

    # Matching posts money to the ledger: its own permission (payers.roles), never a
    # read-only role's.
    def has_match_permission(self, request, obj=None):
        return request.user.has_perm("payers.match_suspensepayment")

    @admin.action(description=_("Match to the person registered under the IIN"),
                  permissions=["match"])
    def match_selected(self, request, queryset):
        done = 0
        for suspense in queryset.filter(status=SuspensePayment.Status.OPEN):
            person = Person.objects.filter(iin=suspense.iin).first()
            if person is None:
                self.message_user(request, _("IIN %(iin)s is not in the registry yet.")
                                  % {"iin": suspense.iin}, messages.WARNING)
                continue
            if admin_call(request, ledger.suspense_match, suspense=suspense, person=person,
                          acting_user=request.user) is not None:
                done += 1
        self.message_user(request, _("%(n)d payments matched and posted.") % {"n": done},
                          messages.SUCCESS)

    @action(description=_("Match every registered IIN"), url_path="match-registered",
            icon="link", permissions=["match"])
    @confirmed_post(question=_("Post every open suspense payment whose IIN is now in the "
                               "registry to that person?"),
                    confirm_label=_("Match and post"))
    def match_all_registered(self, request):
        count = ledger.suspense_match_registered(acting_user=request.user)
        self.message_user(request, _("%(n)d payments matched and posted.") % {"n": count},
                          messages.SUCCESS)
        return redirect("admin:payers_suspensepayment_changelist")

    def has_return_to_payer_permission(self, request, obj=None):
        return request.user.has_perm("payers.change_suspensepayment")

    @action(description=_("Return to the payer"), url_path="return", icon="undo",
            permissions=["return_to_payer"])
    def return_to_payer(self, request, object_id):
        suspense = scoped_object(self, request, object_id)
        form = ReturnForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if form_call(form, ledger.suspense_return, suspense=suspense,
                         note=form.cleaned_data["note"], acting_user=request.user):
                self.message_user(request, _("Marked as returned to the payer."),
                                  messages.SUCCESS)
                return redirect("admin:payers_suspensepayment_changelist")
        return form_page(self, request, form, title=_("Return %(s)s") % {"s": suspense},
                         submit=_("Return"))
