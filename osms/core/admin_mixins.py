"""The project's admin bases: region scope, choices, service writes, bad input, history.

Django's admin scopes lists and object pages through ``get_queryset`` and
``has_*_permission(obj)``, but not foreign-key choices, inlines or what a form saves:
these bases cover all of them (docs/CONTRIBUTING.md, "The one way of doing each thing").

- ``OsmsModelAdmin``: every admin of ours. FK/M2M choices of region-owned models, of
  regions and of users confined to a regional user's region; a service's
  ``ValidationError`` raised while saving shows on the form; a NUL byte in a query
  parameter answers 400 with a message and a malformed object id on a history page 404.
- ``RegionScopedAdmin``: a region-owned model (lists, object pages, saves scoped).
- ``OsmsTabularInline`` / ``OsmsStackedInline``: every inline (rows and choices scoped).
- ``osms.core.admin_services.ServiceAdminMixin``: saves and deletes of the page and of its
  inlines go through the app's services.
- ``confirmed_post``: an admin view that changes state; ``LogEntryHistoryMixin`` /
  ``ReadOnlyAdminMixin`` for models without simple-history records / job output.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, StackedInline, TabularInline
from unfold.contrib.import_export.forms import ExportForm, ImportForm

from .errors import add_form_errors
from .models import Region
from .paginator import EstimatedCountPaginator
from .scoping import (
    is_region_scoped,
    object_in_scope,
    object_region_id,
    scope_queryset,
    user_region_id,
)
from .workbooks import SafeCSV, SafeXLSX


def scoped_choices(related, request):
    """The choices of a FK/M2M to ``related`` a regional user may pick (None: all)."""
    region_id = user_region_id(request.user)
    if region_id is None:
        return None
    base = related._default_manager.all()
    if related is Region or is_region_scoped(related):
        return base.filter(**{related.region_lookup: region_id})
    if related is get_user_model():
        return base.filter(region_id=region_id)
    return None


class ScopedChoicesMixin:
    """FK/M2M choices (selects, autocompletes, raw ids) of region-owned models, regions and
    users: a regional user picks, and a posted form is validated against, their region only."""

    @staticmethod
    def _scoped(db_field, request, kwargs):
        if "queryset" not in kwargs:
            queryset = scoped_choices(db_field.remote_field.model, request)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **self._scoped(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(
            db_field, request, **self._scoped(db_field, request, kwargs))


def bad_parameter_response(model_admin, request):
    """400 with a message when a query parameter holds a NUL byte (the database refuses
    such a string: without this check a filter or search answers 500)."""
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            opts = model_admin.model._meta
            context = {
                **model_admin.admin_site.each_context(request),
                "opts": opts,
                "title": _("Bad request"),
                "message": _("The parameter %(name)s contains a NUL character; remove it and "
                             "try again.") % {"name": key.replace("\x00", "\\0")},
                "back_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            }
            return TemplateResponse(request, "admin/osms/bad_request.html", context, status=400)
    return None


def check_object_id(model_admin, object_id):
    """404 unless ``object_id`` can be a key of the model ("abc" for an integer key: the
    history pages would otherwise fail on the lookup and answer 500)."""
    value = unquote(object_id)
    try:
        model_admin.model._meta.pk.to_python(value)
    except ValidationError:
        raise Http404(_("No such object.")) from None
    if "\x00" in value:
        raise Http404(_("No such object."))


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


class OsmsModelAdmin(ScopedChoicesMixin, SimpleHistoryAdmin, ModelAdmin):
    """Base for every admin of ours: Unfold look, history, no full COUNT, scoped choices,
    service errors on the form, 400/404 instead of 500 on malformed parameters."""

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
        check_object_id(self, object_id)
        if self._tracks_history():
            return super().history_view(request, object_id, extra_context)
        return super(SimpleHistoryAdmin, self).history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        check_object_id(self, object_id)
        if not version_id.isdigit():
            raise Http404(_("No such object."))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        return bad_parameter_response(self, request) or super().changelist_view(
            request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A ``ValidationError`` a service raises while saving (the transaction is rolled
        back) shows on the re-displayed form, with what the operator entered."""
        refused = bad_parameter_response(self, request)
        if refused:
            return refused
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            if request.method != "POST" or hasattr(request, "_osms_service_error"):
                raise
            request._osms_service_error = exc
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        error = getattr(request, "_osms_service_error", None)
        if error is None:
            return form

        class ServiceErrorForm(form):
            def clean(self):
                cleaned = super().clean()
                add_form_errors(self, error)
                return cleaned

        ServiceErrorForm.__name__ = form.__name__
        return ServiceErrorForm

    def get_changelist_instance(self, request):
        refuse_nul(request.GET)
        return super().get_changelist_instance(request)


class OsmsImportExportAdmin(ImportExportModelAdmin, OsmsModelAdmin):
    """Import with a dry-run preview and per-row errors; CSV and XLSX only."""

    # Text stays text in what the admin exports (osms/core/workbooks.py).
    formats = (SafeCSV, SafeXLSX)
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


class OsmsInlineMixin(ScopedChoicesMixin):
    """Every inline of the project: its rows confined to the user's region (a region-owned
    inline model), its FK/M2M choices scoped like a page's; and, when the inline defines
    ``service_create`` / ``service_update`` / ``service_delete``, its rows are saved
    through them (``osms.core.admin_services.ServiceAdminMixin``)."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_region_scoped(self.model) and user_region_id(request.user) is not None:
            queryset = queryset.filter(**{self.model.region_lookup: user_region_id(request.user)})
        return queryset

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.service_inline = self  # a class made for this request: no shared state
        return formset


class OsmsTabularInline(OsmsInlineMixin, TabularInline):
    pass


class OsmsStackedInline(OsmsInlineMixin, StackedInline):
    pass


class LogEntryHistoryMixin:
    """Django's own history page (the admin log) for models without simple-history records:
    append-only ledgers, run records and bulk tables keep their own trail, and
    simple-history's page would fail on a model it does not track."""

    object_history_template = "admin/object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        check_object_id(self, object_id)
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
    ``question``/``details`` may be callables ``(model_admin, request, *args, **kwargs)``
    (a detail action gets ``object_id``, and Cancel goes back to the object's page).
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
            object_id = kwargs.get("object_id")
            cancel = (f"admin:{opts.app_label}_{opts.model_name}_change", [object_id]) \
                if object_id else (f"admin:{opts.app_label}_{opts.model_name}_changelist", [])
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
                "cancel_url": reverse(cancel[0], args=cancel[1]),
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
