from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from .admin_mixins import OsmsModelAdmin
from .models import Region, User

admin.site.unregister(Group)


@admin.register(Region)
class RegionAdmin(OsmsModelAdmin):
    list_display = ("kato", "name_ru", "name_kk", "name_en", "kind", "center", "population")
    list_filter = ("kind",)
    search_fields = ("kato", "name_ru", "name_kk", "name_en")
    ordering = ("kato",)


@admin.register(User)
class UserAdmin(BaseUserAdmin, OsmsModelAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ("username", "last_name", "first_name", "region", "is_active", "is_staff")
    list_filter = ("region", "groups", "is_active", "is_staff", "is_superuser")
    fieldsets = (
        *BaseUserAdmin.fieldsets[:2],
        (_("Region"), {"fields": ("region",)}),
        *BaseUserAdmin.fieldsets[2:],
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2", "region", "groups")}),
    )


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin, OsmsModelAdmin):
    pass
