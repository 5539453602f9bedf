"""A paginator that never runs a full-table COUNT on a large list.

It counts at most ``ADMIN_EXACT_COUNT_LIMIT + 1`` rows (an index-only scan
with LIMIT); past that it asks the PostgreSQL planner for its estimate.
"""

import json

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


def planner_row_estimate(queryset):
    """Rows the PostgreSQL planner expects the queryset to return."""
    connection = connections[queryset.db]
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def bounded_count(queryset, limit=None):
    """(count, exact): exact up to ``limit`` rows, a planner estimate beyond."""
    limit = settings.ADMIN_EXACT_COUNT_LIMIT if limit is None else limit
    if connections[queryset.db].vendor != "postgresql":
        return queryset.count(), True
    capped = queryset.order_by().values("pk")[: limit + 1].count()
    if capped <= limit:
        return capped, True
    return max(planner_row_estimate(queryset), limit + 1), False


class EstimatedCountPaginator(Paginator):
    """Admin paginator for lists of millions of rows (persons, payments, statuses)."""

    exact = True

    @cached_property
    def count(self):
        if not isinstance(self.object_list, QuerySet):
            return super().count
        value, self.exact = bounded_count(self.object_list)
        return value
