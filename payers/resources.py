"""Import/export of persons and organisations (django-import-export).

Rows are matched by ИИН / БИН. Every problem is reported against its row and
field: a bad ИИН (and why), an unknown КАТО code, a row repeated in the file, a
row of another region for a regional user. Imports run in one transaction:
with any error nothing is saved.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from osms.core.models import Region
from osms.core.scoping import scope_queryset, user_region_id

from .models import Organisation, Person


class RegionWidget(widgets.ForeignKeyWidget):
    """A region column holding its КАТО code; unknown codes get a clear message."""

    def __init__(self):
        super().__init__(Region, field="kato")

    def clean(self, value, row=None, **kwargs):
        value = "" if value is None else str(value).strip()
        if value.endswith(".0"):  # a numeric xlsx cell
            value = value[:-2]
        if not value:
            raise ValueError(_("Region (KATO code) is required."))
        try:
            return Region.objects.get(kato=value)
        except Region.DoesNotExist:
            raise ValueError(_("Unknown region KATO code %(code)s.") % {"code": value}) from None


class ScopedResource(resources.ModelResource):
    """A resource that knows the acting user: scopes exports, checks imported regions."""

    key_field = "iin"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.user = kwargs.get("user")
        self._seen_keys = {}

    def get_queryset(self):
        queryset = super().get_queryset().select_related("region")
        if self.user is not None:
            queryset = scope_queryset(queryset, self.user, "view")
        return queryset

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user", self.user)
        self._seen_keys = {}
        missing = [c for c in self.required_columns if c not in (dataset.headers or [])]
        if missing:
            raise ValidationError(
                _("The file lacks required columns: %(cols)s. Expected header: %(header)s.")
                % {"cols": ", ".join(missing), "header": ",".join(self.required_columns)}
            )

    def before_import_row(self, row, **kwargs):
        key = str(row.get(self.key_field) or "").strip()
        row[self.key_field] = key
        row_number = kwargs.get("row_number")
        if key in self._seen_keys:
            raise ValidationError(
                {
                    self.key_field: _("Duplicate %(field)s %(key)s: already in row %(row)s.")
                    % {"field": self.key_field.upper(), "key": key, "row": self._seen_keys[key]}
                }
            )
        self._seen_keys[key] = row_number

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        region_id = user_region_id(self.user)
        if region_id is not None and instance.region_id and instance.region_id != region_id:
            raise ValidationError({"region": _("You may only import rows of your own region.")})

    def get_or_init_instance(self, instance_loader, row):
        instance, new = super().get_or_init_instance(instance_loader, row)
        region_id = user_region_id(self.user)
        if not new and region_id is not None and instance.region_id != region_id:
            raise ValidationError(
                {self.key_field: _("This record belongs to another region.")}
            )
        return instance, new

    def save_instance(self, instance, is_create, row, **kwargs):
        instance._history_user = self.user
        instance._change_reason = _("File import")
        super().save_instance(instance, is_create, row, **kwargs)


class PersonResource(ScopedResource):
    iin = fields.Field(attribute="iin", column_name="iin")
    region = fields.Field(attribute="region", column_name="region", widget=RegionWidget())
    birth_date = fields.Field(attribute="birth_date", column_name="birth_date", readonly=True,
                              widget=widgets.DateWidget())
    sex = fields.Field(attribute="sex", column_name="sex", readonly=True)
    required_columns = ("iin", "last_name", "first_name", "region")

    class Meta:
        model = Person
        import_id_fields = ("iin",)
        fields = ("iin", "last_name", "first_name", "middle_name", "birth_date", "sex",
                  "citizenship", "region", "death_date")
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True


class OrganisationResource(ScopedResource):
    key_field = "bin"
    bin = fields.Field(attribute="bin", column_name="bin")
    region = fields.Field(attribute="region", column_name="region", widget=RegionWidget())
    required_columns = ("bin", "name", "region")

    class Meta:
        model = Organisation
        import_id_fields = ("bin",)
        fields = ("bin", "name", "kind", "region")
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
