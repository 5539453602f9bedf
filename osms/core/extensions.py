"""Extension points: how a higher app contributes to a lower app's page or job.

Apps stand on floors (payers → coverage → packages → purchasing → reconciliation → …) and
a lower app never imports a higher one. Where a lower app shows or computes something
that higher apps add to (the person page's panels, the dashboard, the arrears'
obligation sources), it declares an ``ExtensionPoint`` naming a module and an attribute;
each project app that has that module contributes the attribute's items, in the order
of ``INSTALLED_APPS``. Nothing is patched at import time, and a test can list exactly
what is contributed (``point.contributors()``).
"""

from dataclasses import dataclass
from importlib import import_module, util

from django.apps import apps


def project_app_configs():
    from .roles import PROJECT_APPS

    return [config for config in apps.get_app_configs() if config.label in PROJECT_APPS]


@dataclass(frozen=True)
class ExtensionPoint:
    """``module``: the module name inside each app (e.g. ``"panels"``); ``attribute``: a list
    (or a callable returning one) of contributions in that module; ``signature``: the
    contract each contribution meets, in words, for the reader."""

    name: str
    module: str
    attribute: str
    signature: str = ""

    def contributors(self):
        """[(app label, item)] for every contribution, in app order."""
        found = []
        for config in project_app_configs():
            module_name = f"{config.name}.{self.module}"
            try:
                if util.find_spec(module_name) is None:
                    continue
            except ModuleNotFoundError:  # a dotted ``module`` whose parent is not a package
                continue
            value = getattr(import_module(module_name), self.attribute, None)
            if value is None:
                continue
            for item in (value if isinstance(value, list | tuple) else [value]):
                found.append((config.label, item))
        return found

    def __iter__(self):
        return iter([item for _label, item in self.contributors()])


DASHBOARD_PANELS = ExtensionPoint(
    "dashboard panels", module="dashboard", attribute="dashboard_panels",
    signature="callable(request) -> list of panels {title, cards, bars} (osms.core.dashboard)")
