from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from .admin_display import name_column
from .admin_mixins import OsmsModelAdmin
from .models import Region, User
from .scoping import user_region_id

admin.site.unregister(Group)

ACTION_LABELS = {
    "view": _("Can view"),
    "add": _("Can add"),
    "change": _("Can change"),
    "delete": _("Can delete"),
}


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    """Permission names are stored in English; show them in the user's language."""

    def label_from_instance(self, permission):
        model = permission.content_type.model_class()
        action, _sep, _rest = permission.codename.partition("_")
        if model is None:
            return str(permission)
        meta = model._meta
        custom = dict(meta.permissions).get(permission.codename)  # Meta.permissions, lazy
        if custom:
            return f"{meta.app_config.verbose_name} | {custom}"
        if action not in ACTION_LABELS:
            return str(permission)
        return f"{meta.app_config.verbose_name} | {ACTION_LABELS[action]}: {meta.verbose_name}"


class TranslatedPermissionsMixin:
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = PermissionChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Region)
class RegionAdmin(OsmsModelAdmin):
    list_display = ("local_name", "kato", "kind", "center", "population")
    local_name = name_column(_("region"), code="kato")
    list_filter = ("kind",)
    search_fields = ("kato", "name_ru", "name_kk", "name_en")
    ordering = ("kato",)


class OsmsUserChangeForm(UserChangeForm):
    """Unfold's form; the password summary shows the hash's parts as codes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password" in self.fields:
            self.fields["password"].widget.template_name = "osms/read_only_password_hash.html"


@admin.register(User)
class UserAdmin(TranslatedPermissionsMixin, BaseUserAdmin, OsmsModelAdmin):
    form = OsmsUserChangeForm
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

    def get_queryset(self, request):
        # A regional user sees (and picks, in user autocompletes) only their region's users.
        queryset = super().get_queryset(request)
        region_id = user_region_id(request.user)
        return queryset if region_id is None else queryset.filter(region_id=region_id)


@admin.register(Group)
class GroupAdmin(TranslatedPermissionsMixin, BaseGroupAdmin, OsmsModelAdmin):
    pass


# The operations tables (access log, job runs).
from . import ops_admin  # noqa: E402, F401
