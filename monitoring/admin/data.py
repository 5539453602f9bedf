"""The rules monitoring applies, edited by head office (national data, effective-dated)."""

from django.contrib import admin

from osms.core.admin_mixins import OsmsModelAdmin
from osms.exports.admin import BackgroundExportMixin

from ..models import (
    ControlRule,
    Defect,
    DiagnosisRestriction,
    Holiday,
    ReviewShare,
    RiskIndicator,
)


@admin.register(ControlRule)
class ControlRuleAdmin(BackgroundExportMixin, OsmsModelAdmin):
    list_display = ("code", "severity", "message_ru", "parameter", "is_assumption",
                    "valid_from", "valid_to")
    list_filter = ("severity", "is_assumption")
    search_fields = ("code", "message_ru", "message_kk")


@admin.register(RiskIndicator)
class RiskIndicatorAdmin(BackgroundExportMixin, OsmsModelAdmin):
    list_display = ("code", "weight", "parameter", "message_ru", "valid_from", "valid_to")
    search_fields = ("code",)


@admin.register(ReviewShare)
class ReviewShareAdmin(OsmsModelAdmin):
    list_display = ("share", "valid_from", "valid_to")


@admin.register(Defect)
class DefectAdmin(BackgroundExportMixin, OsmsModelAdmin):
    list_display = ("code", "name_ru", "deduction_share", "valid_from", "valid_to")
    search_fields = ("code", "name_ru", "name_kk")


@admin.register(DiagnosisRestriction)
class DiagnosisRestrictionAdmin(OsmsModelAdmin):
    list_display = ("icd10_from", "icd10_to", "sex", "age_min", "age_max", "note")


@admin.register(Holiday)
class HolidayAdmin(OsmsModelAdmin):
    list_display = ("day", "name")
    date_hierarchy = "day"
