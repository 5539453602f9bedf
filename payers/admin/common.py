"""Pieces shared by the payers admin pages."""

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _


def form_page(model_admin, request, form, *, title, intro="", submit=None, help_text=""):
    """A one-form page (a workflow step) in the admin's frame; the form POSTs back."""
    context = {**model_admin.admin_site.each_context(request), "form": form,
               "opts": model_admin.opts, "title": title, "intro": intro, "submit": submit,
               "help": help_text}
    return TemplateResponse(request, "payers/form_page.html", context)


def scoped_object(model_admin, request, object_id):
    """The row of a detail action, from the user's scope; 404 for a missing, malformed or
    out-of-region id (never 500)."""
    obj = model_admin.get_object(request, object_id)
    if obj is None:
        raise Http404(_("No such object."))
    return obj

