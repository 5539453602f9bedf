"""Payers admin: the registry, the payments ledger, the money rules and their workflows.

Thin over the services (``payers.services``, ``payers.ledger``, ``payers.refunds``); the
person page's sections come from ``payers.extensions.PERSON_PANELS``.
"""

from . import money, payments, registry, registry_imports, transfers  # noqa: F401  (registers the model admins)
