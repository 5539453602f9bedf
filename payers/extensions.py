"""What higher apps contribute to payers' pages and jobs (payers never imports them).

- ``PERSON_PANELS``: sections of the person page (coverage's insured status, the package
  in force, …) from each app's ``admin/panel.py``, in ``INSTALLED_APPS`` order.
- ``OBLIGATION_SOURCES``: what is owed besides the fixed contributions of registered
  activities, for the arrears of ``payers.arrears`` (reconciliation's declared income).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from osms.core.extensions import ExtensionPoint

PERSON_PANELS = ExtensionPoint(
    "person page panels", module="admin.panel", attribute="person_panels",
    signature="callable(request, person) -> safe HTML (str); '' shows nothing")


@dataclass(frozen=True)
class ObligationSource:
    """A source of expected obligations for the arrears.

    ``select(*, periods)`` returns ``(sql, params)``: one SELECT of the columns
    ``person_id, payer_code, period, kind, expected`` (a payment kind and an amount owed for
    that month) for the first-of-month dates ``periods``; payers inserts its rows itself.
    ``first_period()`` is the earliest period the source knows of (None: none).
    ``mark()`` is a short text that changes whenever the source's obligations may have
    changed (new or re-imported rows); the nightly arrears job rebuilds the whole table when
    it differs from the last run's. A source without one makes every nightly run full.
    """

    name: str
    select: Callable[..., tuple[str, list]]
    first_period: Callable[[], datetime.date | None]
    mark: Callable[[], str] | None = None


OBLIGATION_SOURCES = ExtensionPoint(
    "arrears obligation sources", module="obligations", attribute="arrear_obligations",
    signature="payers.extensions.ObligationSource: select(*, periods) -> (sql, params) "
              "of person_id, payer_code, period, kind, expected; first_period() -> date; "
              "mark() -> str (optional)")
