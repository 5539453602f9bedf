"""The ICD-10 code input: a text field in the admin's style that suggests codes by code and
by name as the operator types (``admin:packages_icd10code_suggest``, 20 at most)."""

from django.urls import reverse
from unfold.widgets import UnfoldAdminTextInputWidget


class Icd10Input(UnfoldAdminTextInputWidget):
    """Any code may still be typed; the suggestions come from the reference (a datalist
    filled by ``packages/icd10_suggest.js``)."""

    template_name = "packages/widgets/icd10_input.html"

    class Media:
        js = ("packages/icd10_suggest.js",)

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false",
                                "placeholder": "I10", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        options = f"{widget['attrs'].get('id') or name}_suggestions"
        widget["attrs"].update({"list": options,
                                "data-icd10-suggest": reverse("admin:packages_icd10code_suggest")})
        widget["options_id"] = options
        return context
