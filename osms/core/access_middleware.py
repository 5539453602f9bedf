"""Recognise the pages that show a person's data and record each view (``access_log``).

After a page answers 200, the route that served it says what was viewed:

* admin change or history page of a person, or of a row that belongs to a person (a
  payment, a membership, a status, a discrepancy…): that person;
* admin list of such rows narrowed to one person (``?person=…``, ``?person__id__exact=…``)
  or searched by an ИИН (``?q=<12 digits>``): that person;
* person API ``/api/v1/persons/<iin>/``; the eligibility check (API and admin tool): the
  ИИН asked about.

The status API records its own views inside its statement (``coverage.stored``); list
exports record theirs when the file is written (``osms.exports``). A model "belongs to a
person" when it has a foreign key to ``payers.Person`` (``access_log.person_path``), so
a new model is covered without editing this module.
"""

import json
import logging

from django.contrib import admin

from .access_log import PersonalDataAccess, Viewer, person_path

log = logging.getLogger(__name__)
What = PersonalDataAccess.What

PERSON_FILTERS = ("person", "person__id__exact", "person__exact", "person_id",
                  "person__id", "employee", "employee__id__exact", "employee__exact")
IIN_FILTERS = ("person__iin", "person__iin__exact", "iin", "q")
ELIGIBILITY_ROUTES = ("eligibility", "admin:packages_packageversion_eligibility_tool")


def _is_iin(value):
    return isinstance(value, str) and len(value) == 12 and value.isdigit()


def _admin_models():
    """{(app_label, model_name): (model, lookup to the person)} of the registered admins."""
    found = {}
    for model in admin.site._registry:
        path = person_path(model)
        if path is not None:
            found[(model._meta.app_label, model._meta.model_name)] = (model, path)
    return found


_MODELS = None


def _admin_route(view_name):
    """(model, person lookup, page) for an admin route of a person's data, else None."""
    global _MODELS
    if not view_name.startswith("admin:"):
        return None
    if _MODELS is None:
        _MODELS = _admin_models()
    name = view_name[len("admin:"):]
    for page in ("change", "history", "changelist"):
        if name.endswith(f"_{page}"):
            stem = name[: -len(page) - 1]
            for (app_label, model_name), (model, path) in _MODELS.items():
                if stem == f"{app_label}_{model_name}":
                    return model, path, page
    return None


def _posted_iin(request):
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return None
        value = data.get("iin") if isinstance(data, dict) else None
    else:
        value = request.POST.get("iin")
    value = str(value or "").strip()
    return value if _is_iin(value) else None


def record_view(request, match):
    """Write the access rows of one answered request, if it showed a person's data."""
    view_name = match.view_name or ""
    if view_name in ELIGIBILITY_ROUTES:
        iin = _posted_iin(request) if request.method == "POST" else None
        if iin:
            Viewer.of(request, what=What.ELIGIBILITY).iin(iin)
        return
    if view_name == "person-detail":
        iin = match.kwargs.get("iin", "")
        if _is_iin(iin):
            Viewer.of(request, what=What.PERSON_API).iin(iin)
        return
    route = _admin_route(view_name)
    if route is None:
        return
    model, path, page = route
    if page in ("change", "history"):
        object_id = match.kwargs.get("object_id")
        if not object_id or not str(object_id).isdigit():
            return  # the add page, or a bad id (answered 404 before this)
        what = What.HISTORY if page == "history" else (
            What.PERSON_PAGE if path == "" else What.RECORD)
        viewer = Viewer.of(request, what=what)
        if path == "":
            viewer.person(int(object_id))
        else:
            viewer.queryset(model._default_manager.filter(pk=int(object_id)))
        return
    _record_list(request, model, path)


def _record_list(request, model, path):
    params = request.GET
    viewer = Viewer.of(request, what=What.RECORDS)
    if path:
        for key in PERSON_FILTERS:
            value = params.get(key, "")
            if value.isdigit() and key.split("__")[0] in (path, f"{path}_id"):
                viewer.person(int(value))
                return
    for key in IIN_FILTERS:
        value = params.get(key, "").strip()
        if _is_iin(value):
            viewer.iin(value)
            return


class PersonalDataAccessMiddleware:
    """Place after the authentication middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.view_name == "eligibility" and request.method == "POST" \
                and request.content_type == "application/json":
            # Read now: the API parses the stream, the log reads the JSON after it. Form posts
            # are read through request.POST, which Django keeps once parsed.
            request.body  # noqa: B018
        return None

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and response.status_code == 200 \
                and request.method in ("GET", "POST"):
            try:
                record_view(request, match)
            except Exception:  # never lose the page for the log: say so loudly instead
                log.exception("personal data access not recorded: %s", request.path)
        return response
