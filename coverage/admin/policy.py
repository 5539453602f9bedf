"""Admin of the policy data: categories with their terms, status policy, residency rules."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from osms.core.admin_display import name_column
from osms.core.admin_mixins import OsmsModelAdmin, OsmsTabularInline

from ..models import BenefitCategory, CategoryTerm, ResidencyRule, StatusPolicy


class CategoryTermInline(OsmsTabularInline):
    model = CategoryTerm
    extra = 0
    fields = ("valid_from", "valid_to", "payer", "partner", "documents", "legal_basis")


@admin.register(BenefitCategory)
class BenefitCategoryAdmin(OsmsModelAdmin):
    list_display = ("local_name", "age_limit_years", "position")
    local_name = name_column(_("benefit category"))
    search_fields = ("code", "name_ru", "name_kk", "name_en")
    inlines = [CategoryTermInline]


@admin.register(StatusPolicy)
class StatusPolicyAdmin(OsmsModelAdmin):
    list_display = ("valid_from", "valid_to", "debt_window_months", "grace_months",
                    "due_lag_months", "retention_after_months", "retention_months",
                    "prepayment_max_months", "temporary_status_months")


@admin.register(ResidencyRule)
class ResidencyRuleAdmin(OsmsModelAdmin):
    list_display = ("citizenship", "valid_from", "valid_to", "categories_apply", "payments_apply",
                    "note")
    list_filter = ("citizenship",)
