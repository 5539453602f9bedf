"""The rules monitoring applies, edited by head office (national data, effective-dated)."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from osms.core import formatting
from osms.core.admin_display import rate_column
from osms.core.admin_mixins import OsmsModelAdmin
from osms.exports.admin import BackgroundExportMixin
from packages.widgets import Icd10Input

from ..models import (
    ControlRule,
    Defect,
    DiagnosisRestriction,
    Holiday,
    ReviewShare,
    RiskIndicator,
)


@admin.display(description=_("message"), ordering="message_ru")
def message_column(model_admin, obj):
    """The message in the operator's language, its code in the tooltip."""
    return format_html('<span title="{}">{}</span>', obj.code, obj.message)


@admin.display(description=_("parameter"), ordering="parameter")
def parameter_column(model_admin, obj):
    return formatting.number(obj.parameter) or "—"


@admin.display(description=_("weight"), ordering="weight")
def weight_column(model_admin, obj):
    return formatting.number(obj.weight)


class EnglishMarked:
    """The English texts of a record shown, on a page that only shows it, marked as English
    on purpose (``lang="en"``): an editor sees them in an input as usual."""

    english_fields = ()

    def _english(self, field):
        name = f"{field}_in_english"
        if not hasattr(self, name):
            label = self.model._meta.get_field(field).verbose_name

            @admin.display(description=label)
            def shown(obj, field=field):
                return format_html('<span lang="en">{}</span>', getattr(obj, field) or "—")

            setattr(self, name, shown)
        return name

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj),
                *(self._english(f) for f in self.english_fields)]

    def get_fields(self, request, obj=None):
        marked = {self._english(f): f for f in self.english_fields}
        fields = [f for f in super().get_fields(request, obj) if f not in marked]
        if obj is not None and not self.has_change_permission(request, obj):
            swap = {f: m for m, f in marked.items()}
            fields = [swap.get(f, f) for f in fields]
        return fields


@admin.register(ControlRule)
class ControlRuleAdmin(EnglishMarked, BackgroundExportMixin, OsmsModelAdmin):
    list_display = ("code", "severity", "local_message", "parameter_value", "is_assumption",
                    "valid_from", "valid_to")
    english_fields = ("message_en",)
    local_message = message_column
    parameter_value = parameter_column
    list_filter = ("severity", "is_assumption")
    search_fields = ("code", "message_ru", "message_kk")


@admin.register(RiskIndicator)
class RiskIndicatorAdmin(EnglishMarked, BackgroundExportMixin, OsmsModelAdmin):
    list_display = ("code", "weight_value", "parameter_value", "local_message", "valid_from",
                    "valid_to")
    english_fields = ("message_en",)
    local_message = message_column
    parameter_value = parameter_column
    weight_value = weight_column
    search_fields = ("code",)


@admin.register(ReviewShare)
class ReviewShareAdmin(OsmsModelAdmin):
    list_display = ("share_rate", "valid_from", "valid_to")
    share_rate = rate_column("share", _("share sent to review"))


@admin.register(Defect)
class DefectAdmin(BackgroundExportMixin, OsmsModelAdmin):
    list_display = ("code", "name_ru", "share_rate", "valid_from", "valid_to")
    share_rate = rate_column("deduction_share", _("deduction share of the case amount"))
    search_fields = ("code", "name_ru", "name_kk")


@admin.register(DiagnosisRestriction)
class DiagnosisRestrictionAdmin(EnglishMarked, OsmsModelAdmin):
    list_display = ("icd10_from", "icd10_to", "local_name", "sex", "age_min", "age_max")
    search_fields = ("icd10_from", "name_ru", "name_kk", "note")
    english_fields = ("note",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("icd10_from", "icd10_to"):
            kwargs["widget"] = Icd10Input  # suggestions by code and by name
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("name"), ordering="name_ru")
    def local_name(self, obj):
        return obj.name


@admin.register(Holiday)
class HolidayAdmin(OsmsModelAdmin):
    list_display = ("day", "name")
    date_hierarchy = "day"
