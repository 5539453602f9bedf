"""An export's filters as an operator reads them: «регион: Алматы · застрахован: нет · поиск:
8710…», from the list's query string and the exported model's field names (download centre)."""

from urllib.parse import parse_qsl

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

LOOKUPS = ("__id__exact", "__exact", "__in", "__gte", "__lte", "__lt", "__gt", "__isnull",
           "__id")
SKIPPED = {"o", "p", "e", "_changelist_filters"}


def _field(model, path):
    """The field at the end of ``a__b__c`` (None if it is not a field path)."""
    field = None
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if field.is_relation and field.related_model is not None:
            model = field.related_model
    return field


def _value(field, raw):
    if field is None:
        return raw
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(raw, raw))
    if field.get_internal_type() == "BooleanField":
        return _("yes") if raw in ("1", "True", "true") else _("no")
    if field.is_relation and raw.isdigit():
        found = field.related_model._base_manager.filter(pk=raw).first()
        return str(found) if found is not None else raw
    return raw


def filters_text(model, querystring):
    """``[(label, value), …]`` for each filter and the search term of a list's query string."""
    shown = []
    for key, raw in parse_qsl(querystring or "", keep_blank_values=False):
        if key in SKIPPED:
            continue
        if key == "q":
            shown.append((_("search"), raw))
            continue
        path, suffix = key, ""
        for lookup in LOOKUPS:
            if key.endswith(lookup):
                path, suffix = key[: -len(lookup)], lookup
                break
        field = _field(model, path) if model is not None else None
        label = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") \
            else path.replace("__", " ")
        if suffix in ("__gte", "__gt"):
            label = _("%(field)s from") % {"field": label}
        elif suffix in ("__lte", "__lt"):
            label = _("%(field)s to") % {"field": label}
        shown.append((label, _value(field, raw)))
    return shown
