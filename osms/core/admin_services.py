"""Admin saves and deletes through the app's services (the one write path).

An admin class with ``ServiceAdminMixin`` defines ``service_create(request, values)``,
``service_update(request, obj, changes)`` and ``service_delete(request, obj)``; an inline
(``OsmsTabularInline``) defines the same three to have its rows saved the same way. The
services lock, check the scope, validate and write the history (``osms.core.services``),
so an operator's edit leaves the same trail as an API call. A ``ValidationError`` they raise
shows on the re-displayed form (``OsmsModelAdmin.changeform_view``).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse

from .errors import SERVICE_ERRORS, error_text


def model_values(form, *, changed_only=False):
    """The model fields a form sets (all, or only those the operator changed)."""
    model = form._meta.model
    names = {f.name for f in model._meta.concrete_fields if not f.primary_key}
    names |= {f.name for f in model._meta.many_to_many}
    fields = form.changed_data if changed_only else form.cleaned_data
    return {name: form.cleaned_data[name] for name in fields
            if name in names and name in form.cleaned_data}


def adopt(obj, saved):
    """Make the admin's ``obj`` the row the service saved (its key, values and state)."""
    obj.__dict__.update({k: v for k, v in saved.__dict__.items() if k != "_state"})
    obj._state.adding = False
    obj._state.db = saved._state.db
    return obj


def save_formset_with(formset, *, create, update, delete):
    """Save a valid inline formset through services instead of ``formset.save()``.

    ``create(values)`` (the row's field values, the parent included), ``update(obj,
    changes)`` (only the fields the operator changed) and ``delete(obj)``; records
    ``new_objects`` / ``changed_objects`` / ``deleted_objects`` for the admin's log.
    """
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    deleted = set(formset.deleted_forms) if formset.can_delete else set()
    parent = {formset.fk.name: formset.instance}
    for form in formset.initial_forms:
        if form in deleted:
            if form.instance.pk is not None:
                delete(form.instance)
                formset.deleted_objects.append(form.instance)
            continue
        changes = model_values(form, changed_only=True)
        if changes:
            adopt(form.instance, update(form.instance, changes))
            formset.changed_objects.append((form.instance, list(changes)))
    for form in formset.extra_forms:
        if form in deleted or not form.has_changed():
            continue
        values = {**model_values(form), **parent}
        adopt(form.instance, create(values))
        formset.new_objects.append(form.instance)


class ServiceAdminMixin:
    """The page's and its inlines' saves and deletes go through the app's services, so an
    operator's edit leaves the same trail (history user, reason, locks, region checks) as
    the API's. Define ``service_create(request, values)``, ``service_update(request, obj,
    changes)`` and ``service_delete(request, obj)`` (each returns / raises what the service
    does); an inline defines the same three to be saved the same way."""

    def save_model(self, request, obj, form, change):
        if change:
            changes = model_values(form, changed_only=True)
            if changes:
                adopt(obj, self.service_update(request, obj, changes))
        else:
            adopt(obj, self.service_create(request, model_values(form)))

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields are set by the services with the rest of the row.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        inline = getattr(formset, "service_inline", None)
        if inline is None or not hasattr(inline, "service_create"):
            return super().save_formset(request, form, formset, change)
        save_formset_with(
            formset,
            create=lambda values: inline.service_create(request, values),
            update=lambda obj, changes: inline.service_update(request, obj, changes),
            delete=lambda obj: inline.service_delete(request, obj))
        return None

    def delete_model(self, request, obj):
        self.service_delete(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.service_delete(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except SERVICE_ERRORS as exc:
            if isinstance(exc, PermissionDenied):
                raise
            messages.error(request, error_text(exc))
            opts = self.model._meta
            return HttpResponseRedirect(reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id]))
