"""Shared admin pieces of purchasing: forms that show a service's rule, read-only inlines.

Service errors are shown with ``osms.core.errors.admin_call`` / ``form_call``; history
pages of untracked rows come from ``osms.core.admin_mixins.LogEntryHistoryMixin``.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone

from osms.core.admin_mixins import (
    LogEntryHistoryMixin,
    OsmsTabularInline,
    RegionScopedAdmin,
    confirmed_post,
)
from osms.core.errors import admin_call, form_call
from osms.exports.admin import BackgroundExportMixin


def row_action(service, *, target, description, question, confirm_label, done, today=None):
    """A changelist action that asks first (``confirmed_post``), then calls ``service`` for
    each selected row: ``service(<target>=row, acting_user=…)``, plus ``<today>=`` today's
    date when named. Each row's success (``done % {"row": row}``) or the service's refusal is
    shown; ``question`` may name the number of rows (``%(n)d``). Needs the change permission.
    Its uses read alike by design: one declaration per action, each naming its own service.
    """

    @admin.action(description=description, permissions=["change"])
    @confirmed_post(question=lambda model_admin, request, queryset: question % {
        "n": queryset.count()}, confirm_label=confirm_label)
    def action(model_admin, request, queryset):
        dated = {today: timezone.localdate()} if today else {}
        for row in queryset:
            admin_call(request, service, done % {"row": row}, acting_user=request.user,
                       **{target: row}, **dated)

    return action


class ServiceCheckedForm(forms.ModelForm):
    """A model form whose rules are a service's check, shown as field errors (``form_call``).

    ``check``: the service's check function; ``check_fields``: the form fields it takes
    (by the same keyword); ``check_needs``: the fields without which there is nothing to
    check yet (their own errors are already shown). The rule stays written once, in the
    service the save goes through.
    """

    check = None
    check_fields = ()
    check_needs = ()

    def check_arguments(self, data):
        return {name: data.get(name) for name in self.check_fields}

    def clean(self):
        data = super().clean()
        if all(data.get(name) is not None for name in self.check_needs):
            form_call(self, type(self).check, **self.check_arguments(data))
        return data


class ReadOnlyInline(OsmsTabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return tuple(self.fields or ()) + tuple(super().get_readonly_fields(request, obj))

    def has_change_permission(self, request, obj=None):
        return False


class AddedByServiceAdmin(LogEntryHistoryMixin, BackgroundExportMixin, RegionScopedAdmin):
    """Rows an operator adds through a service and never edits (amendments, deductions):
    the add page saves through ``save_model`` (the service); a saved row is read-only."""

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)


class DeletedByServiceMixin:
    """Deletes go through ``delete_service`` (taking ``<delete_target>=`` and
    ``acting_user=``), which refuses what its rule forbids; ``delete_check`` (the same rule)
    keeps the delete button off a row the rule protects. A bulk delete reports each refusal."""

    delete_service = delete_check = None
    delete_target = None

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        if obj is None:
            return True
        try:
            type(self).delete_check(**{self.delete_target: obj})
        except ValidationError:
            return False
        return True

    def delete_model(self, request, obj):
        type(self).delete_service(**{self.delete_target: obj}, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for row in queryset:
            admin_call(request, type(self).delete_service, **{self.delete_target: row},
                       acting_user=request.user)
