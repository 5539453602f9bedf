"""Purchasing actions: keyword-only, atomic, audited (see each module)."""

from .allocations import allocation_run, line_adjust, protocol_approve, protocol_tally
from .campaigns import (
    application_submit,
    application_withdraw,
    campaign_announce,
    campaign_close,
    campaign_create,
)
from .commissions import (
    commission_form,
    composition_problems,
    conflict_declare,
    meeting_open,
    vote_cast,
)
from .contracts import (
    act_approve,
    act_mark_paid,
    act_record,
    contract_amend,
    contract_sign,
    contracts_from_protocol,
    deduction_add,
)
from .providers import provider_check_inclusion, provider_create, provider_rate

__all__ = [
    "act_approve", "act_mark_paid", "act_record", "allocation_run", "application_submit",
    "application_withdraw", "campaign_announce", "campaign_close", "campaign_create",
    "commission_form", "composition_problems", "conflict_declare", "contract_amend",
    "contract_sign", "contracts_from_protocol", "deduction_add", "line_adjust", "meeting_open",
    "protocol_approve", "protocol_tally", "provider_check_inclusion", "provider_create",
    "provider_rate", "vote_cast",
]
