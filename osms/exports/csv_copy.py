"""csv straight from PostgreSQL: ``COPY (the list's query) TO STDOUT``.

Used when every column can be computed in SQL: plain fields, choices (their
labels, as a CASE), foreign keys to small tables (their ``str()``, as a CASE),
datetimes in local time, booleans as 1/0, and text a spreadsheet would run as
a formula prefixed with an apostrophe. The values are the ones the Python path
(``columns.RowSource`` + ``writers.CsvSink``) writes; lists with computed
columns or large related tables take that path instead.
"""

import csv
import io

from django.db import connections
from django.db.models import Case, CharField, F, Func, TextField, Value, When
from django.db.models.functions import Cast, Concat, Left
from django.db.models.lookups import In
from django.utils import timezone

from osms.core.workbooks import FORMULA_START

from . import conf
from .columns import BOOLEAN, DATETIME, TEXT
from .exports_sql import copy_csv_sql

# A related table up to this size is turned into a CASE (regions, kinds, codes…).
SMALL_RELATED_ROWS = 2000
_FORMULA_START = FORMULA_START
_NULL = Value(None, output_field=TextField())


def _neutral(text):
    return "'" + text if text.startswith(_FORMULA_START) else text


def _text_expression(path):
    first = Left(F(path), 1, output_field=TextField())
    return Case(
        When(In(first, list(_FORMULA_START)), then=Concat(Value("'"), F(path))),
        default=F(path),
        output_field=TextField(),
    )


def _expression(column):
    """The column as an SQL expression, or None when only Python can compute it."""
    path = column.path
    if column.getter is not None or path is None:
        return None
    if column.related_model is not None:
        manager = column.related_model._base_manager
        # At most SMALL_RELATED_ROWS + 1 rows counted: a key to a large table (a payment's
        # reversed payment) must not count the whole ledger (16 s at 5 M persons).
        if manager.all()[: SMALL_RELATED_ROWS + 1].count() > SMALL_RELATED_ROWS:
            return None
        whens = [
            When(**{path: getattr(obj, column.related_key)}, then=Value(_neutral(str(obj))))
            for obj in manager.all()
        ]
        if not whens:
            return _NULL
        return Case(*whens, default=_NULL, output_field=TextField())
    if column.mapping is not None:  # choices
        whens = [When(**{path: key}, then=Value(_neutral(label)))
                 for key, label in column.mapping.items()]
        return Case(*whens, default=Cast(F(path), TextField()), output_field=TextField())
    if column.kind == DATETIME:
        local = Func(Value(timezone.get_current_timezone_name()), F(path), function="timezone",
                     output_field=TextField())
        # Whole seconds: PostgreSQL and Python print fractions differently.
        return Func(Value("second"), local, function="date_trunc", output_field=TextField())
    if column.kind == BOOLEAN:
        return Case(When(**{path: True}, then=Value("1")), When(**{path: False}, then=Value("0")),
                    default=_NULL, output_field=TextField())
    if column.kind == TEXT:
        if not isinstance(column.model_field, CharField | TextField):
            return None
        return _text_expression(path)
    return F(path)


def copy_queryset(queryset, columns):
    """The list as a values queryset of SQL-computed columns, or None."""
    if connections[queryset.db].vendor != "postgresql" or queryset.query.distinct:
        return None
    expressions = {}
    for position, column in enumerate(columns):
        expression = _expression(column)
        if expression is None:
            return None
        expressions[f"export_col_{position}"] = expression
    return queryset.annotate(**expressions).values_list(*expressions)


def write_csv_by_copy(values_queryset, columns, path):
    """Stream the COPY output into ``path`` (BOM + header first); returns the row count.

    The connection is busy with the COPY until it ends, so no progress is written
    meanwhile: at several hundred thousand rows a second the file is ready soon.
    """
    delimiter = conf.csv_delimiter()
    if len(delimiter) != 1 or delimiter in "\"\r\n'\\":
        raise ValueError(f"unusable csv delimiter {delimiter!r}")
    sql, params = values_queryset.query.sql_with_params()
    statement = copy_csv_sql(sql, delimiter)
    header = io.StringIO()
    csv.writer(header, delimiter=delimiter, lineterminator="\n").writerow(
        [c.header for c in columns])
    with open(path, "wb", buffering=1 << 20) as target:
        target.write(("\ufeff" + header.getvalue()).encode())
        connection = connections[values_queryset.db]
        with connection.cursor() as cursor:
            with cursor.cursor.copy(statement, params) as copy:
                # One message per row; writelines drives the loop in C until b"".
                target.writelines(iter(copy.read, b""))
            rows = cursor.cursor.rowcount
    return rows
