"""Rebuild an admin list's queryset from its saved query string, as the user saw it.

The export runs later, in a worker, but must hold exactly the rows of the list
the user was looking at: the same ModelAdmin builds a ChangeList from a
request carrying the saved query string and the user, so its filters, search,
ordering and ``get_queryset`` (the user's region scope) all apply. The page
itself (``p``), the page count and the result rows are never computed.
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.sites import all_sites
from django.contrib.admin.views.main import (
    ALL_VAR,
    ERROR_FLAG,
    IS_FACETS_VAR,
    IS_POPUP_VAR,
    PAGE_VAR,
    TO_FIELD_VAR,
)
from django.contrib.messages import constants as message_levels
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from osms.core.admin_mixins import refuse_nul

# Query-string keys that change the page, not the rows.
PAGE_ONLY_KEYS = (PAGE_VAR, ERROR_FLAG, ALL_VAR, IS_POPUP_VAR, IS_FACETS_VAR, TO_FIELD_VAR,
                  "_changelist_filters")


class ExportError(Exception):
    """A reason an export cannot be made, shown to the user as is."""


class _CollectedMessages:
    """Stands in for the message storage: ChangeList reports a bad search there."""

    def __init__(self):
        self.errors = []

    def add(self, level, message, extra_tags=""):
        if level >= message_levels.ERROR:
            self.errors.append(str(message))

    def __iter__(self):
        return iter(self.errors)


def clean_querystring(querystring):
    params = QueryDict(querystring, mutable=True)
    for key in PAGE_ONLY_KEYS:
        params.pop(key, None)
    return params.urlencode()


def model_admin_for(*, content_type, site_name="admin"):
    model = content_type.model_class()
    sites = [site for site in all_sites if site.name == site_name] or [admin.site]
    model_admin = sites[0]._registry.get(model)
    if model_admin is None:
        raise ExportError(_("The list of %(model)s is no longer in the admin.") % {
            "model": content_type.name})
    return model_admin


def changelist_request(*, user, querystring, path="/"):
    """A GET request to the list, as ``user``, with the saved query string."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(querystring)
    request.META = {
        "REQUEST_METHOD": "GET",
        "QUERY_STRING": querystring,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
    }
    request.user = user
    request._messages = _CollectedMessages()
    return request


def can_export(model_admin, request):
    user = request.user
    return bool(
        user.is_active
        and user.is_staff
        and user.has_perm("exports.add_exportjob")
        and model_admin.has_view_or_change_permission(request)
    )


def _skip_results(self, request):
    """The export never needs a page of results or a count."""


def build_changelist(model_admin, request):
    """The list's ChangeList (filters, search, ordering, region scope), without a page."""
    base = model_admin.get_changelist(request)
    changelist_class = type(f"Export{base.__name__}", (base,), {"get_results": _skip_results})
    list_display = model_admin.get_list_display(request)
    list_display_links = model_admin.get_list_display_links(request, list_display)
    if model_admin.get_actions(request):
        # As ModelAdmin.get_changelist_instance: the ordering "o=2" counts this column.
        list_display = ["action_checkbox", *list_display]
    try:
        refuse_nul(request.GET)
        changelist = changelist_class(
            request,
            model_admin.model,
            list_display,
            list_display_links,
            model_admin.get_list_filter(request),
            model_admin.date_hierarchy,
            model_admin.get_search_fields(request),
            model_admin.get_list_select_related(request),
            model_admin.list_per_page,
            model_admin.list_max_show_all,
            model_admin.list_editable,
            model_admin,
            model_admin.get_sortable_by(request),
            model_admin.search_help_text,
        )
    except (IncorrectLookupParameters, ImproperlyConfigured) as exc:
        raise ExportError(_("The list's filters are not valid: %(reason)s") % {
            "reason": exc}) from exc
    errors = list(request._messages)
    if errors:
        raise ExportError("; ".join(errors))
    return changelist


def changelist_queryset(model_admin, request):
    """The list's queryset: filters, search, ordering and region scope; no pagination."""
    return build_changelist(model_admin, request).queryset


def active_filters(changelist):
    """[(filter title, chosen value)] of the list, for the export's confirmation page."""
    described = []
    for spec in changelist.filter_specs:
        used = getattr(spec, "used_parameters", None)
        if not used:
            continue
        try:
            chosen = [
                str(choice["display"])
                for choice in spec.choices(changelist)
                if choice.get("selected")
            ]
        except (KeyError, TypeError, ValueError, AttributeError):
            chosen = []
        if not chosen:
            chosen = [", ".join(str(v) for v in (value if isinstance(value, list) else [value]))
                      for value in used.values() if value not in ("", None, [])]
        described.append((str(spec.title), "; ".join(chosen)))
    if changelist.query:
        described.append((_("Search"), changelist.query))
    return described
