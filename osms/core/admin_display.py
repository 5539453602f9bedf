"""Columns that read as words, not codes: the name in the operator's language with its code in
a tooltip, money with ₸, rates as %, durations as «1 мин 04 с», choice codes as labels.

Used by the model admins of every app (``list_display = (name_column(), …)``); the crawler
test (tests/ux) fails a page that shows a code, an English word or an ungrouped number.
"""

from django.contrib import admin
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from . import formatting

NAME = _("name")


def name_column(description=NAME, code="code", ordering="name_ru"):
    """The row's ``name`` in the active language (``name_ru``/``name_kk`` fields), its code in
    the tooltip."""

    @admin.display(description=description, ordering=ordering)
    def column(model_admin, obj):
        return format_html('<span title="{}">{}</span>', getattr(obj, code, "") or "", obj.name)

    column.__name__ = "local_name"
    return column


def money_column(field, description):
    @admin.display(description=description, ordering=field)
    def column(model_admin, obj):
        return formatting.money(getattr(obj, field))

    column.__name__ = f"{field}_money"
    return column


def rate_column(field, description):
    @admin.display(description=description, ordering=field)
    def column(model_admin, obj):
        return formatting.rate(getattr(obj, field))

    column.__name__ = f"{field}_rate"
    return column


def _with_codes(message, codes):
    return format_html(str(message), **{k: format_html("<code>{}</code>", v)
                                        for k, v in codes.items()})


def help_with_codes(message, **codes):
    """A help text whose codes (a file's header, a date pattern) are shown as codes:
    ``help_with_codes(_("… with the header {header}."), header="iin,period")``. Lazy: the
    message is translated when shown."""
    return lazy(_with_codes, SafeString)(message, codes)


def field_column(field, description):
    """A field under a header in words (for fields named after a file's columns)."""

    @admin.display(description=description, ordering=field)
    def column(model_admin, obj):
        return getattr(obj, field)

    column.__name__ = f"{field}_column"
    return column


@admin.display(description=_("Duration"))
def duration_column(model_admin, obj):
    return formatting.duration(obj.duration)


class ImportRunAdminMixin:
    """The page of an import run (``osms.core.runs.ImportRunBase`` and its kin): read-only,
    a progress bar that refreshes while the run is waiting or running, the duration in words."""

    exclude = ("file",)
    duration_display = duration_column

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("progress"))
    def progress_bar(self, obj):
        from django.template.loader import render_to_string

        running = obj.status in ("pending", "running")  # RunStatus values, shared by every run
        return render_to_string("admin/import_run_progress.html",
                                {"run": obj, "running": running})
