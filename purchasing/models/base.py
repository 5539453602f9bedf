"""The abstract bases of purchasing's region-owned records.

Each record is confined to one region through ``region_lookup`` (``objects.for_user``,
``osms.core.scoping``) and refuses implausible dates and texts in ``clean`` by the ranges
it names (``date_bounds`` / ``year_bounds`` / ``text_bounds``, see ``limits.py`` and
``osms.core.bounds.check_fields``): the admin form, ``save_audited`` in the services and so
the API all refuse the same values with the same reason. Operator-edited records also keep
simple-history's trail (``TrackedRecord``); append-only audit rows (checks, adjustments,
amendments, deductions) are their own trail (``RegionRecord``).
"""

from django.db import models
from simple_history.models import HistoricalRecords

from osms.core.bounds import check_fields
from osms.core.scoping import RegionScopedQuerySet


class RegionRecord(models.Model):
    date_bounds: dict = {}
    year_bounds: dict = {}
    text_bounds: dict = {}

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        check_fields(self, dates=self.date_bounds, years=self.year_bounds,
                     texts=self.text_bounds)


class TrackedRecord(RegionRecord):
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
