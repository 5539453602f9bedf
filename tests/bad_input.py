"""Bad values every page and API action of ours must answer with a 4xx or a message, never 500.

Used by each app's ``test_bad_input``: the values an operator, a partner's program or a
hostile user may send in a query parameter, a form field or a JSON field.
"""

from django.contrib import admin
from django.urls import reverse

BAD_VALUES = ["abc", "%00", "\x00", "-1", "0", "99999999999999999999", "1e400", "2026-13-45",
              "' OR 1=1 --", "x" * 5000]
BAD_JSON = [*BAD_VALUES, None, [], {}, 1e300, -(2**63)]
LIST_PARAMETERS = ("status", "year", "period", "o", "q", "p", "region", "e", "all")


class Prober:
    """Sends requests with a test client; remembers every answer of 500 or more."""

    def __init__(self, client):
        self.client = client
        client.raise_request_exception = False
        self.failures = []

    def __call__(self, method, url, data=None, **kwargs):
        response = getattr(self.client, method)(url, data or {}, **kwargs)
        if response.status_code >= 500:
            self.failures.append((method, url, repr(data)[:100], response.status_code))
        return response


def admin_models(*app_labels):
    return [model for model in admin.site._registry if model._meta.app_label in app_labels]


def probe_admin_lists_and_objects(probe, *app_labels):
    """Every list of the apps with bad filter values; every object page with bad ids."""
    for model in admin_models(*app_labels):
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        changelist = reverse(f"{info}_changelist")
        for name in LIST_PARAMETERS:
            for value in BAD_VALUES[:4] + ["1e400"]:
                probe("get", changelist, {name: value})
        for value in ("abc", "%00", "99999999999999999999"):
            for view in ("history", "change", "delete"):
                probe("get", reverse(f"{info}_{view}", args=[value]))
