"""Forms of the package tools: eligibility check, version comparison, version copy."""

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextInputWidget

from payers.validators import iin_problem

from ..eligibility import subject_in_scope
from ..models import CareType, PackageVersion
from ..widgets import Icd10Input


class EligibilityForm(forms.Form):
    INSURED_CHOICES = [("", _("ask the coverage registry")), ("1", _("insured")),
                       ("0", _("not insured"))]

    iin = forms.CharField(label=_("IIN"), max_length=12, widget=UnfoldAdminTextInputWidget(
        attrs={"inputmode": "numeric", "autocomplete": "off"}))
    # The date as the admin prints it (дд.мм.гггг) or as ISO (a link's ?date=2026-03-01).
    date = forms.DateField(label=_("date of care"), input_formats=["%d.%m.%Y", "%Y-%m-%d"],
                           widget=UnfoldAdminTextInputWidget(
                               attrs={"placeholder": _("DD.MM.YYYY")}))
    care_type = forms.ModelChoiceField(label=_("type of care"),
                                       queryset=CareType.objects.filter(is_active=True),
                                       widget=UnfoldAdminSelectWidget)
    icd10 = forms.CharField(label=_("ICD-10 code"), max_length=10, required=False,
                            widget=Icd10Input,
                            help_text=_("Type a code or a word of the diagnosis to choose from "
                                        "the classification. Not needed where the rules do not "
                                        "depend on the diagnosis (emergency care, for "
                                        "example)."))
    insured = forms.ChoiceField(label=_("insured status"), choices=INSURED_CHOICES,
                                required=False, widget=UnfoldAdminSelectWidget)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_iin(self):
        iin = self.cleaned_data["iin"].strip()
        problem = iin_problem(iin)
        if problem:
            raise forms.ValidationError(problem)
        if not subject_in_scope(user=self.user, iin=iin):
            # The status API's 404: another region and "not registered" look the same.
            raise forms.ValidationError(_("No person with this IIN in your region."))
        return iin

    def insured_value(self):
        value = self.cleaned_data.get("insured")
        return None if value in ("", None) else value == "1"


class CompareForm(forms.Form):
    before = forms.ModelChoiceField(label=_("from version"),
                                    queryset=PackageVersion.objects.order_by("valid_from"))
    after = forms.ModelChoiceField(label=_("to version"),
                                   queryset=PackageVersion.objects.order_by("valid_from"))
    all_rows = forms.BooleanField(label=_("show unchanged rows too"), required=False)


class CopyVersionForm(forms.Form):
    code = forms.SlugField(label=_("code of the new version"), max_length=40)
    valid_from = forms.DateField(label=_("valid from"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(label=_("valid to"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    name_ru = forms.CharField(label=_("name (Russian)"), max_length=300, required=False)
    name_kk = forms.CharField(label=_("name (Kazakh)"), max_length=300, required=False)
    name_en = forms.CharField(label=_("name (English)"), max_length=300, required=False)

    def clean_code(self):
        code = self.cleaned_data["code"]
        if PackageVersion.objects.filter(code=code).exists():
            raise forms.ValidationError(_("A version with this code exists."))
        return code
