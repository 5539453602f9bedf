"""Effective-dated data: every rate, cap, tariff, category term and package rule is a row valid
over dates (docs/domain.md: rules change by law every year; code never compares years).

Two shapes, one lookup, ``queryset.valid_on(day)``:

- **interval rows** (``valid_from`` .. ``valid_to`` inclusive, ``valid_to`` empty while in
  force): package versions, tariffs, the status policy, category terms and residency rules,
  purchasing rules, licences, a person's activities and employments;
- **schedules** without an end (``valid_to_field = None``): a row applies from its
  ``valid_from`` until the next row of the same ``effective_key`` (rates and reference
  values of ``payers``, reconciliation rules).

A model opts in with ``objects = EffectiveDatedQuerySet.as_manager()`` (or a subclass;
``RegionScopedDatedQuerySet`` for region-owned rows) and, if its dates are named otherwise,
``valid_from_field`` / ``valid_to_field`` (licences: issued … valid until; a person's
activities and employments: started … ended). A query of another model through a relation
uses ``in_force_q``. Nothing else filters on the dates by hand.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.lookups import IsNull
from django.utils.translation import gettext_lazy as _

from .scoping import RegionScopedQuerySet


def _field_names(model):
    start = getattr(model, "valid_from_field", "valid_from")
    end = getattr(model, "valid_to_field", "valid_to")
    return start, end


def in_force_q(model, day, *, through=""):
    """The condition "an interval row of ``model`` is in force on ``day``", for a query of
    another model that reaches ``model`` through the relation ``through`` (``"version"``:
    the rules whose package version is in force). Interval rows only: a schedule's end is
    the next row's start, which a condition on one row cannot see."""
    start, end = _field_names(model)
    if end is None:
        raise TypeError(f"{model.__name__} is a schedule: use valid_on() on its rows.")
    prefix = f"{through}__" if through else ""
    return Q(**{f"{prefix}{start}__lte": day}) & (
        Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gte": day}))


class EffectiveDatedQuerySet(models.QuerySet):
    def valid_on(self, day):
        """The rows in force on ``day``."""
        model = self.model
        start, end = _field_names(model)
        if end is not None:
            return self.filter(in_force_q(model, day))
        # A schedule: drop every row that a later row of the same key replaced by ``day``.
        rows = self.filter(**{f"{start}__lte": day})
        later = model._default_manager.filter(
            **{f"{start}__gt": OuterRef(start), f"{start}__lte": day})
        for name in getattr(model, "effective_key", ()):
            field = model._meta.get_field(name)
            column = field.attname
            same = Q(**{column: OuterRef(column)})
            if field.null:
                same |= Q(**{f"{column}__isnull": True}) & Q(IsNull(OuterRef(column), True))
            later = later.filter(same)
        return rows.exclude(Exists(later))

    def latest_on(self, day):
        """The one row in force on ``day`` (the latest start wins), or None."""
        start, end = _field_names(self.model)
        if end is None:
            # Of a schedule's rows started by ``day``, the latest is never replaced by then:
            # no need for valid_on's test of later rows.
            return self.filter(**{f"{start}__lte": day}).order_by(f"-{start}").first()
        return self.valid_on(day).order_by(f"-{start}").first()

    def changing_between(self, low, high):
        """Rows that come into force, or go out of force, on a day in (``low``, ``high``]:
        a run that decided for ``low`` must decide again for ``high``."""
        start, end = _field_names(self.model)
        changes = Q(**{f"{start}__gt": low, f"{start}__lte": high})
        if end is not None:  # out of force the day after valid_to
            changes |= Q(**{f"{end}__gte": low, f"{end}__lt": high})
        return self.filter(changes)

    def overlapping(self, row):
        """Rows of ``row``'s ``effective_key`` whose interval overlaps ``row``'s (not itself)."""
        model = self.model
        start, end = _field_names(model)
        columns = [model._meta.get_field(name).attname
                   for name in getattr(model, "effective_key", ())]
        same_key = {column: getattr(row, column) for column in columns}
        rows = self.filter(**same_key).exclude(pk=row.pk)
        if end is None:
            return rows.filter(**{start: getattr(row, start)})
        if getattr(row, end) is not None:
            rows = rows.filter(**{f"{start}__lte": getattr(row, end)})
        return rows.filter(Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": getattr(row, start)}))


class RegionScopedDatedQuerySet(RegionScopedQuerySet, EffectiveDatedQuerySet):
    """Region-owned interval rows: ``for_user`` and ``valid_on`` (licences, activities)."""


class EffectiveDated(models.Model):
    """An interval row valid from ``valid_from`` to ``valid_to`` inclusive (empty: open).

    Two rows with the same ``effective_key`` must not overlap (checked in ``clean``).
    """

    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True,
                                help_text=_("Inclusive; leave empty while in force."))

    effective_key: tuple = ()

    objects = EffectiveDatedQuerySet.as_manager()

    class Meta:
        abstract = True

    def in_force_on(self, day):
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date is before the start date.")})
        key_known = all(
            getattr(self, self._meta.get_field(name).attname) is not None
            or self._meta.get_field(name).null
            for name in self.effective_key)
        if self.valid_from and key_known:
            other = (type(self)._default_manager.all().overlapping(self)
                     .order_by("valid_from").first())
            if other is not None:
                raise ValidationError({"valid_from": _(
                    "Overlaps another row with the same key, valid from %(start)s to %(end)s."
                ) % {"start": other.valid_from, "end": other.valid_to or "…"}})


def dates_ordered(name):
    """A check constraint: ``valid_to`` empty or not before ``valid_from``."""
    return models.CheckConstraint(
        condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")), name=name)
