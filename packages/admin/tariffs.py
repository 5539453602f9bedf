"""Tariffs in the admin: effective-dated, importable from Excel with per-row errors."""

from django.contrib import admin

from osms.core.admin_mixins import OsmsImportExportAdmin

from ..models import (
    TariffBedDay,
    TariffCaseRate,
    TariffPhcCoefficient,
    TariffPhcNorm,
    TariffServicePrice,
)
from ..resources import (
    TariffBedDayResource,
    TariffCaseRateResource,
    TariffPhcCoefficientResource,
    TariffPhcNormResource,
    TariffServicePriceResource,
)


@admin.register(TariffPhcNorm)
class TariffPhcNormAdmin(OsmsImportExportAdmin):
    resource_classes = [TariffPhcNormResource]
    list_display = ("region", "amount", "valid_from", "valid_to")
    list_filter = ("region",)
    list_select_related = ("region",)


@admin.register(TariffPhcCoefficient)
class TariffPhcCoefficientAdmin(OsmsImportExportAdmin):
    resource_classes = [TariffPhcCoefficientResource]
    list_display = ("kind", "region", "age_from", "age_to", "sex", "value", "valid_from",
                    "valid_to")
    list_filter = ("kind", "region")
    list_select_related = ("region",)


@admin.register(TariffCaseRate)
class TariffCaseRateAdmin(OsmsImportExportAdmin):
    resource_classes = [TariffCaseRateResource]
    list_display = ("code", "name", "care_type", "severity", "amount", "valid_from", "valid_to")
    list_filter = ("care_type", "severity")
    search_fields = ("code", "name")
    list_select_related = ("care_type",)


@admin.register(TariffServicePrice)
class TariffServicePriceAdmin(OsmsImportExportAdmin):
    resource_classes = [TariffServicePriceResource]
    list_display = ("code", "name", "price", "valid_from", "valid_to")
    search_fields = ("code", "name")


@admin.register(TariffBedDay)
class TariffBedDayAdmin(OsmsImportExportAdmin):
    resource_classes = [TariffBedDayResource]
    list_display = ("profile", "name", "care_type", "rate", "valid_from", "valid_to")
    list_filter = ("care_type",)
    list_select_related = ("care_type",)
