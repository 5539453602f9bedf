"""The POST an operator's browser would send back from an admin add/change page, unchanged.

Tests change one or two values of it and post it, instead of spelling out every field and
every inline's management form.
"""

import datetime


def _post_value(value):
    if value is None:
        return ""
    if isinstance(value, list | tuple | set):
        return [getattr(v, "pk", v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return getattr(value, "pk", value)


def _fields(form, data):
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if callable(value):
            value = value()
        key = form.add_prefix(name)
        if isinstance(value, bool):
            if value:
                data[key] = "on"
            continue
        data[key] = _post_value(value)


def change_form_data(page):
    """Everything the admin page at ``page`` (a test client response) would post."""
    data = {}
    _fields(page.context["adminform"].form, data)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management.initial.get(name, 0)
        for form in formset.forms:
            _fields(form, data)
            if form.instance.pk:
                data[form.add_prefix("id")] = form.instance.pk
    return data
