"""Which columns an export has, and how the list's rows become typed cells.

Columns come from the admin's ``export_columns`` or else its ``list_display``:
- a model field, or a related field written ``person__iin``: read with
  ``values_list`` from the server-side cursor, typed from the field (date,
  datetime, money, integer, boolean, text); choices show their label;
- a foreign key: shows ``str()`` of the related row, loaded once per chunk of
  rows with one ``IN`` query (small tables such as regions stay cached);
- anything else (a ModelAdmin method, a model property, a callable taking the
  object): evaluated on the object, loaded once per chunk with ``in_bulk``.
Headers are the admin's own column labels, in the language of the request.
"""

import html
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.contrib.admin.utils import (
    NotRelationField,
    get_fields_from_path,
    label_for_field,
    lookup_field,
)
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.utils.functional import Promise
from django.utils.html import strip_tags
from django.utils.safestring import SafeData

TEXT = "text"
INTEGER = "int"
NUMBER = "number"
MONEY = "money"
DATE = "date"
DATETIME = "datetime"
BOOLEAN = "bool"
AUTO = "auto"  # typed per value (callables)

# Related rows whose str() is kept between chunks; past this the cache restarts.
RELATED_CACHE_LIMIT = 50_000


class Passthrough(dict):
    """A mapping that answers an unknown key with the key itself (C-speed lookups)."""

    def __missing__(self, key):
        return key


@dataclass
class Column:
    name: str
    header: str
    kind: str
    path: str | None = None  # values_list path
    mapping: Passthrough | None = None  # choices labels or related str()
    related_model: Any = None
    related_key: str = "pk"
    getter: Any = None  # obj -> value
    model_field: Any = None  # the model field at the end of ``path``
    width: int = 12
    index: int = field(default=-1, repr=False)


def _field_kind(model_field):
    if isinstance(model_field, models.DateTimeField):
        return DATETIME, 19
    if isinstance(model_field, models.DateField):
        return DATE, 11
    if isinstance(model_field, models.DecimalField):
        return (MONEY, 15) if model_field.decimal_places == 2 else (NUMBER, 14)
    if isinstance(model_field, models.FloatField):
        return NUMBER, 14
    if isinstance(model_field, models.IntegerField | models.AutoField | models.BigAutoField):
        return INTEGER, 11
    if isinstance(model_field, models.BooleanField):
        return BOOLEAN, 8
    max_length = getattr(model_field, "max_length", None) or 30
    return TEXT, max(8, min(max_length, 40))


def _clean_value(value):
    """A callable's result as a plain cell value (HTML stripped, lazy text resolved)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, SafeData):
        return html.unescape(strip_tags(str(value)))
    if isinstance(value, str):
        return value
    if isinstance(value, Promise | models.Model):
        return str(value)
    return value


def _object_column(name, header, model_admin):
    def getter(obj):
        return _clean_value(lookup_field(name, obj, model_admin)[2])

    attr = name if callable(name) else getattr(model_admin, name, None)
    if attr is None and isinstance(name, str):
        attr = getattr(model_admin.model, name, None)
    kind = BOOLEAN if getattr(attr, "boolean", False) else AUTO
    label = getattr(name, "__name__", name)
    return Column(name=str(label), header=header, kind=kind, getter=getter, width=20)


def column_for(name, model_admin, header=None):
    """One ``Column`` for a ``list_display`` entry (a name, a lookup path or a callable)."""
    model = model_admin.model
    header = str(header or label_for_field(name, model, model_admin))
    if callable(name) or name == "__str__":
        return _object_column(name, header, model_admin)
    try:
        path_fields = get_fields_from_path(model, name)
    except (FieldDoesNotExist, NotRelationField):
        return _object_column(name, header, model_admin)
    model_field = path_fields[-1]
    if model_field.many_to_many or model_field.one_to_many:
        raise ImproperlyConfigured(f"Export column {name!r} is a to-many relation.")
    if model_field.is_relation:
        target = model_field.target_field
        return Column(
            name=name, header=header, kind=TEXT, path=name, mapping=Passthrough(),
            related_model=model_field.related_model, related_key=target.attname, width=30,
            model_field=model_field,
        )
    kind, width = _field_kind(model_field)
    column = Column(name=name, header=header, kind=kind, path=name, width=width, model_field=model_field)
    if model_field.flatchoices:
        column.kind = TEXT
        column.mapping = Passthrough((value, str(label)) for value, label in model_field.flatchoices)
        column.width = max(12, min(40, max((len(v) for v in column.mapping.values()), default=12)))
    column.width = max(column.width, min(len(header) + 2, 40))
    return column


def export_columns(model_admin, request):
    """The admin's ``export_columns``, or its ``list_display`` without the checkbox."""
    entries = getattr(model_admin, "export_columns", None)
    if entries is None:
        entries = model_admin.get_list_display(request)
    columns = []
    for entry in entries:
        if entry == "action_checkbox":
            continue
        name, header = entry if isinstance(entry, tuple | list) else (entry, None)
        columns.append(column_for(name, model_admin, header))
    if not columns:
        raise ImproperlyConfigured(f"{type(model_admin).__name__} has no export columns.")
    return columns


class RowSource:
    """Streams the queryset in chunks of ready cell values, one list per row."""

    def __init__(self, queryset, columns, *, chunk_size):
        self.queryset = queryset
        self.columns = columns
        self.chunk_size = chunk_size
        self.object_columns = [c for c in columns if c.getter is not None]
        # The pk keeps rows apart under DISTINCT (a search across a to-many relation)
        # and finds the objects of computed columns.
        paths = ["pk"] if self.object_columns or queryset.query.distinct else []
        for column in columns:
            if column.path is not None and column.path not in paths:
                paths.append(column.path)
        self.paths = paths
        for column in columns:
            if column.path is not None:
                column.index = paths.index(column.path)
        self.related_columns = [c for c in columns if c.related_model is not None]

    def _load_related(self, by_path):
        for column in self.related_columns:
            mapping = column.mapping
            wanted = set(by_path[column.index])
            wanted.discard(None)
            missing = [key for key in wanted if key not in mapping]
            if not missing:
                continue
            if len(mapping) + len(missing) > RELATED_CACHE_LIMIT:
                mapping.clear()
            rows = column.related_model._base_manager.filter(
                **{f"{column.related_key}__in": missing}
            )
            for obj in rows:
                mapping[getattr(obj, column.related_key)] = str(obj)

    def _load_objects(self, pks):
        """The chunk's objects from the list's own queryset (its annotations, select_related)."""
        objects = {obj.pk: obj for obj in self.queryset.filter(pk__in=pks).order_by()}
        return [objects.get(pk) for pk in pks]

    def column_chunks(self):
        """Yield each chunk as one list of values per column (column order).

        The work is column-wise: a transposition, one C-level ``map`` per
        labelled column, one Python call per cell only for computed columns.
        """
        iterator = self.queryset.values_list(*self.paths).iterator(chunk_size=self.chunk_size)
        while True:
            chunk = list(islice(iterator, self.chunk_size))
            if not chunk:
                return
            by_path = list(zip(*chunk, strict=True))
            self._load_related(by_path)
            objects = self._load_objects(by_path[0]) if self.object_columns else None
            values = []
            for column in self.columns:
                if column.getter is not None:
                    getter = column.getter
                    values.append([None if obj is None else getter(obj) for obj in objects])
                elif column.mapping is not None:
                    values.append(list(map(column.mapping.__getitem__, by_path[column.index])))
                else:
                    values.append(by_path[column.index])
            yield values

    def chunks(self):
        """Yield lists of rows (tuples of cell values in column order)."""
        for values in self.column_chunks():
            yield list(zip(*values, strict=True))
