"""What higher apps contribute to purchasing's jobs (purchasing never imports them).

- ``ACT_SOURCES``: where a monthly execution act's delivered volume comes from when it is
  not typed in: an app holding case-level data (monitoring) declares, per contract item,
  whether it has data and what it claims for a month (volume, amount, quality deductions).
  An item with such data gets its acts built from it (``services.act_build``) and can no
  longer have an act typed in (``services.act_record`` refuses).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from osms.core.extensions import ExtensionPoint


@dataclass(frozen=True)
class ActClaim:
    """A month's claim of an item from case data: ``volume`` units for ``amount`` (the
    accepted cases × their tariffs) and ``deductions``: (indicator, amount, reason) each."""

    volume: int
    amount: Decimal
    deductions: tuple = field(default_factory=tuple)


@dataclass(frozen=True)
class ActSource:
    name: str
    has_data: Callable[..., bool]  # has_data(*, item) -> bool
    claim: Callable[..., ActClaim]  # claim(*, item, period) -> ActClaim


ACT_SOURCES = ExtensionPoint(
    "execution act sources", module="act_sources", attribute="act_sources",
    signature="purchasing.extensions.ActSource: has_data(*, item) -> bool; "
              "claim(*, item, period) -> ActClaim(volume, amount, deductions)")


def act_source_for(item):
    """The source holding case data of ``item``, or None (the act is typed in)."""
    for source in ACT_SOURCES:
        if source.has_data(item=item):
            return source
    return None
