"""One admin mixin for region-owned models, and the project's base ModelAdmin.

Django's admin scopes lists and object pages through ``get_queryset`` and
``has_*_permission(obj)``, but not foreign-key choices or what a form saves:
this mixin covers all of them (see STYLE.md, "One region scope").
"""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin
from unfold.contrib.import_export.forms import ExportForm, ImportForm

from .models import Region
from .paginator import EstimatedCountPaginator
from .scoping import (
    is_region_scoped,
    object_in_scope,
    object_region_id,
    scope_queryset,
    user_region_id,
)


class RegionScopedAdminMixin:
    """Confine a regional user to their region on every admin URL."""

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user, "view")

    def _obj_allowed(self, request, obj, action):
        return obj is None or obj.pk is None or object_in_scope(obj, request.user, action)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._obj_allowed(request, obj, "view")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._obj_allowed(
            request, obj, "change"
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._obj_allowed(
            request, obj, "delete"
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Another region's row and a missing row look the same: 404.
            raise Http404(_("No such object in your region."))
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if "queryset" not in kwargs and (related is Region or is_region_scoped(related)):
            region_id = user_region_id(request.user)
            if region_id is not None:
                base = related._default_manager.all()
                kwargs["queryset"] = base.filter(**{related.region_lookup: region_id})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if "queryset" not in kwargs and is_region_scoped(related):
            region_id = user_region_id(request.user)
            if region_id is not None:
                base = related._default_manager.all()
                kwargs["queryset"] = base.filter(**{related.region_lookup: region_id})
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        region_id = user_region_id(request.user)
        if region_id is not None and object_region_id(obj) not in (None, region_id):
            raise PermissionDenied(_("You may only save records of your own region."))
        super().save_model(request, obj, form, change)


def refuse_nul(params):
    """A NUL character can be in no filter (PostgreSQL refuses it in any string): raise the
    admin's own "bad filter" error (a redirect with ?e=1), not let it become a server error."""
    if any("\x00" in key or any("\x00" in value for value in values)
           for key, values in params.lists()):
        raise IncorrectLookupParameters(_("A filter contains a NUL character."))


class OsmsModelAdmin(SimpleHistoryAdmin, ModelAdmin):
    """Base for every admin of ours: Unfold look, history, no full COUNT."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    list_filter_submit = True
    warn_unsaved_form = True

    def _tracks_history(self):
        return hasattr(self.model._meta, "simple_history_manager_attribute")

    @property
    def object_history_template(self):
        # simple-history's page for tracked models; Django's log-entry page otherwise
        # (append-only ledgers and run records keep their own audit trail).
        return "simple_history/object_history.html" if self._tracks_history() else None

    def history_view(self, request, object_id, extra_context=None):
        try:  # /admin/app/model/abc/history/: no such object, not a server error
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404(_("No such object.")) from None
        if self._tracks_history():
            return super().history_view(request, object_id, extra_context)
        return super(SimpleHistoryAdmin, self).history_view(request, object_id, extra_context)

    def get_changelist_instance(self, request):
        refuse_nul(request.GET)
        return super().get_changelist_instance(request)


class OsmsImportExportAdmin(ImportExportModelAdmin, OsmsModelAdmin):
    """Import with a dry-run preview and per-row errors; CSV and XLSX only."""

    formats = (base_formats.CSV, base_formats.XLSX)
    import_form_class = ImportForm
    export_form_class = ExportForm

    def get_import_resource_kwargs(self, request, **kwargs):
        kwargs = super().get_import_resource_kwargs(request, **kwargs)
        kwargs["user"] = request.user
        return kwargs

    def get_export_resource_kwargs(self, request, **kwargs):
        kwargs = super().get_export_resource_kwargs(request, **kwargs)
        kwargs["user"] = request.user
        return kwargs


class RegionScopedAdmin(RegionScopedAdminMixin, OsmsModelAdmin):
    pass


class RegionScopedImportExportAdmin(RegionScopedAdminMixin, OsmsImportExportAdmin):
    pass


class LogEntryHistoryMixin:
    """Django's own history page (the admin log) for models without simple-history records:
    append-only ledgers, run records and bulk tables keep their own trail, and
    simple-history's page would fail on a model it does not track."""

    object_history_template = "admin/object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        return admin.ModelAdmin.history_view(self, request, object_id, extra_context)


class ReadOnlyAdminMixin(LogEntryHistoryMixin):
    """Rows written only by jobs and services: nobody adds, edits or deletes them here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def confirmed_post(*, question, confirm_label=None, details=None, form=None, permission=None):
    """For an admin view that changes state (starts a job, posts money, rebuilds a table).

    GET never changes anything: it shows a confirmation page whose button POSTs back (with
    the CSRF token the admin checks). Only the POST with ``confirmed=yes`` runs the view.
    ``question``/``details`` may be callables ``(model_admin, request, *args, **kwargs)``.
    The view declares its permission: Unfold ``permissions=[...]``, ``@admin.action``'s, or
    ``permission`` here (a codename such as ``"app.approve_thing"``, or a callable
    ``(model_admin, request) -> bool``), checked before the page is shown (403).

    ``form``: a form class whose fields the confirmation page asks for (a period, a date);
    it is bound to the query string on the first pass, so a bad value is shown as a field
    error, and the view runs only with a valid form, passed as ``form=``. A changelist
    action (``@admin.action``) works too: the selection the list posted is carried through
    the confirmation page.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(model_admin, request, *args, **kwargs):
            if permission is not None and not (
                request.user.has_perm(permission) if isinstance(permission, str)
                else permission(model_admin, request)
            ):
                raise PermissionDenied
            if request.method not in ("GET", "HEAD", "POST"):
                return HttpResponseNotAllowed(["GET", "POST"])
            confirmed = request.method == "POST" and request.POST.get("confirmed") == "yes"
            bound = None
            if form is not None:
                bound = form(request.POST) if confirmed else form(request.GET or None)
            if confirmed and (bound is None or bound.is_valid()):
                if bound is not None:
                    kwargs["form"] = bound
                return view(model_admin, request, *args, **kwargs)

            def resolve(value):
                return value(model_admin, request, *args, **kwargs) if callable(value) else value

            opts = model_admin.model._meta
            asked = set(bound.fields) if bound is not None else set()
            context = {
                **model_admin.admin_site.each_context(request),
                "opts": opts,
                "title": resolve(question),
                "question": resolve(question),
                "details": resolve(details) or [],
                "confirm_label": resolve(confirm_label),
                "form": bound,
                "hidden": _carried_fields(request, skip=asked),
                "cancel_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            }
            return TemplateResponse(request, "admin/osms/confirm_action.html", context)

        wrapper.changes_state = True
        return wrapper

    return decorate


# Never carried into the confirmed POST: the token (the page has its own), the answer itself,
# and the changelist's "index", whose absence routes the confirmed POST of a changelist
# action into Django's "action with confirmation" branch.
_NOT_CARRIED = {"csrfmiddlewaretoken", "confirmed", "index"}


def _carried_fields(request, *, skip=()):
    """(name, value) pairs of the query string and of a first POST, repeated names kept."""
    pairs = []
    for data in (request.GET, request.POST):
        for name in data:
            if name in _NOT_CARRIED or name in skip:
                continue
            pairs.extend((name, value) for value in data.getlist(name))
    return pairs
