"""Pieces shared by the payers admin pages."""

from django.contrib import messages
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..selectors import iin_search


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



class PersonIinSearchMixin:
    """The search of a big table's admin list by a person's exact ИИН, served by indexes
    (``payers.selectors.iin_search``); ``iin_search_also(term)`` may add an indexed
    alternative (a ``Q``). Any other term finds nothing, with a message saying why."""

    iin_search_person_field = "person"
    search_help_text = gettext_lazy("Exact IIN (12 digits).")

    def iin_search_also(self, term):
        return None

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        found = iin_search(queryset, term, person_field=self.iin_search_person_field,
                           also=self.iin_search_also(term))
        if found is None:
            self.message_user(request, _("Search by the exact IIN (12 digits)."),
                              messages.WARNING)
            return queryset.none(), False
        return found, False
