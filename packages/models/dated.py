"""Effective dating shared by package versions and tariffs: [valid_from, valid_to]."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class EffectiveDated(models.Model):
    """A row valid from ``valid_from`` to ``valid_to`` inclusive (empty: open-ended)."""

    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True,
                                help_text=_("Inclusive; leave empty while in force."))

    # Fields that, with the dates, identify one rate; two rows with the same key
    # must not have overlapping validity.
    overlap_key: tuple = ()

    class Meta:
        abstract = True

    def valid_on(self, on):
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def overlapping(self):
        """Other rows with the same key whose validity overlaps this row's."""
        manager = type(self)._default_manager
        same_key = {field: getattr(self, field) for field in self.overlap_key}
        rows = manager.filter(**same_key).exclude(pk=self.pk)
        if self.valid_to is not None:
            rows = rows.filter(valid_from__lte=self.valid_to)
        return rows.filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=self.valid_from))

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date is before the start date.")})
        if self.valid_from and self.overlapping().exists():
            other = self.overlapping().order_by("valid_from").first()
            raise ValidationError(
                {"valid_from": _("Overlaps another row with the same key, valid from %(start)s "
                                 "to %(end)s.")
                 % {"start": other.valid_from, "end": other.valid_to or "…"}}
            )


def dates_ordered(name):
    return models.CheckConstraint(
        condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
        name=name,
    )
