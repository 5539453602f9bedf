"""Import and export of tariffs from Excel (django-import-export); format in
docs/formats/tariffs.md.

Rows are matched by their natural key and start date, so a re-import updates
instead of duplicating. Every problem is reported against its row and column:
an unknown type-of-care code or КАТО, a number that is not a number, a negative
rate, dates in the wrong order, a period overlapping another rate of the same
key, a key repeated in the file. An import runs in one transaction: with any
error nothing is saved.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from osms.core.models import Region

from .models import (
    CareType,
    TariffBedDay,
    TariffCaseRate,
    TariffPhcCoefficient,
    TariffPhcNorm,
    TariffServicePrice,
)


def _text(value):
    text = "" if value is None else str(value).strip()
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


class CareTypeWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(CareType, field="code")

    def clean(self, value, row=None, **kwargs):
        code = _text(value)
        if not code:
            raise ValueError(_("The type of care code is required."))
        try:
            return CareType.objects.get(code=code)
        except CareType.DoesNotExist:
            raise ValueError(_("Unknown type of care code %(code)s.") % {"code": code}) from None


class OptionalRegionWidget(widgets.ForeignKeyWidget):
    """A КАТО code, or empty for «national»."""

    def __init__(self):
        super().__init__(Region, field="kato")

    def clean(self, value, row=None, **kwargs):
        kato = _text(value)
        if not kato:
            return None
        try:
            return Region.objects.get(kato=kato)
        except Region.DoesNotExist:
            raise ValueError(_("Unknown region KATO code %(code)s.") % {"code": kato}) from None


class FlexibleDateWidget(widgets.DateWidget):
    """An Excel date cell, ``2026-01-01`` or ``01.01.2026``."""

    FORMATS = ("%Y-%m-%d", "%d.%m.%Y")

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        for fmt in self.FORMATS:
            try:
                return datetime.datetime.strptime(str(value).strip(), fmt).date()
            except ValueError:
                continue
        raise ValueError(_("%(value)r is not a date (YYYY-MM-DD or DD.MM.YYYY).") % {
            "value": value})

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class AmountWidget(widgets.DecimalWidget):
    """``12 345,50`` or ``12345.5`` → Decimal; anything else is a clear error."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        text = str(value).replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            return Decimal(text)
        except InvalidOperation:
            raise ValueError(_("%(value)r is not a number.") % {"value": value}) from None


def _date(name):
    return fields.Field(attribute=name, column_name=name, widget=FlexibleDateWidget())


def _amount(name):
    return fields.Field(attribute=name, column_name=name, widget=AmountWidget())


class TariffResource(resources.ModelResource):
    required_columns: tuple = ()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.user = kwargs.get("user")
        self._seen = {}

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user", self.user)
        self._seen = {}
        missing = [c for c in self.required_columns if c not in (dataset.headers or [])]
        if missing:
            raise ValidationError(
                _("The file lacks required columns: %(cols)s. Expected header: %(header)s.")
                % {"cols": ", ".join(missing), "header": ",".join(self._meta.fields)}
            )

    def before_import_row(self, row, **kwargs):
        key = tuple(_text(row.get(column)) for column in self._meta.import_id_fields)
        number = kwargs.get("row_number")
        if key in self._seen:
            raise ValidationError(
                {self._meta.import_id_fields[0]: _("The same key %(key)s is already in row "
                                                   "%(row)s.")
                 % {"key": " / ".join(key), "row": self._seen[key]}}
            )
        self._seen[key] = number

    def save_instance(self, instance, is_create, row, **kwargs):
        instance._history_user = self.user
        instance._change_reason = _("Tariff import")
        super().save_instance(instance, is_create, row, **kwargs)

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True


class TariffPhcNormResource(TariffResource):
    region = fields.Field(attribute="region", column_name="region", widget=OptionalRegionWidget())
    amount = _amount("amount")
    valid_from = _date("valid_from")
    valid_to = _date("valid_to")
    required_columns = ("amount", "valid_from")

    class Meta(TariffResource.Meta):
        model = TariffPhcNorm
        fields = ("region", "amount", "valid_from", "valid_to", "legal_basis")
        import_id_fields = ("region", "valid_from")
        export_order = fields


class TariffPhcCoefficientResource(TariffResource):
    region = fields.Field(attribute="region", column_name="region", widget=OptionalRegionWidget())
    value = _amount("value")
    valid_from = _date("valid_from")
    valid_to = _date("valid_to")
    required_columns = ("kind", "value", "valid_from")

    class Meta(TariffResource.Meta):
        model = TariffPhcCoefficient
        fields = ("kind", "region", "age_from", "age_to", "sex", "value", "valid_from",
                  "valid_to")
        import_id_fields = ("kind", "region", "age_from", "age_to", "sex", "valid_from")
        export_order = fields


class TariffCaseRateResource(TariffResource):
    care_type = fields.Field(attribute="care_type", column_name="care_type",
                             widget=CareTypeWidget())
    cost_weight = _amount("cost_weight")
    amount = _amount("amount")
    valid_from = _date("valid_from")
    valid_to = _date("valid_to")
    required_columns = ("code", "name", "care_type", "severity", "amount", "valid_from")

    class Meta(TariffResource.Meta):
        model = TariffCaseRate
        fields = ("code", "name", "care_type", "severity", "cost_weight", "amount",
                  "valid_from", "valid_to")
        import_id_fields = ("code", "care_type", "severity", "valid_from")
        export_order = fields


class TariffServicePriceResource(TariffResource):
    care_type = fields.Field(attribute="care_type", column_name="care_type",
                             widget=CareTypeWidget())
    price = _amount("price")
    valid_from = _date("valid_from")
    valid_to = _date("valid_to")
    required_columns = ("code", "name", "care_type", "price", "valid_from")

    class Meta(TariffResource.Meta):
        model = TariffServicePrice
        fields = ("code", "name", "care_type", "price", "valid_from", "valid_to")
        import_id_fields = ("code", "valid_from")
        export_order = fields


class TariffBedDayResource(TariffResource):
    care_type = fields.Field(attribute="care_type", column_name="care_type",
                             widget=CareTypeWidget())
    rate = _amount("rate")
    valid_from = _date("valid_from")
    valid_to = _date("valid_to")
    required_columns = ("profile", "name", "care_type", "rate", "valid_from")

    class Meta(TariffResource.Meta):
        model = TariffBedDay
        fields = ("profile", "name", "care_type", "rate", "valid_from", "valid_to")
        import_id_fields = ("profile", "valid_from")
        export_order = fields
