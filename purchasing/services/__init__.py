"""Purchasing actions: keyword-only, atomic, audited (see each module)."""

from .allocations import allocation_run, line_adjust, protocol_approve, protocol_tally
from .campaigns import (
    application_check,
    application_submit,
    application_withdraw,
    campaign_announce,
    campaign_close,
    campaign_create,
    campaign_delete,
    campaign_delete_check,
    campaign_price,
    campaign_save,
)
from .commissions import (
    commission_form,
    commission_save,
    composition_problems,
    conflict_check,
    conflict_declare,
    conflict_save,
    meeting_check,
    meeting_open,
    meeting_save,
    member_check,
    member_delete,
    member_save,
    vote_cast,
)
from .contracts import (
    act_approve,
    act_build,
    act_check,
    act_delete,
    act_delete_check,
    act_mark_paid,
    act_record,
    amendment_check,
    contract_amend,
    contract_delete,
    contract_delete_check,
    contract_sign,
    contracts_from_protocol,
    deduction_add,
    deduction_check,
)
from .providers import provider_check_inclusion, provider_create, provider_rate, provider_save

__all__ = [
    "act_approve", "act_build", "act_check", "act_delete", "act_delete_check", "act_mark_paid",
    "act_record", "allocation_run",
    "amendment_check", "application_check", "application_submit", "application_withdraw",
    "campaign_announce", "campaign_close", "campaign_create", "campaign_delete",
    "campaign_delete_check", "campaign_price", "campaign_save",
    "commission_form", "commission_save", "composition_problems", "conflict_check",
    "conflict_declare", "conflict_save", "contract_amend", "contract_delete",
    "contract_delete_check", "contract_sign",
    "contracts_from_protocol", "deduction_add", "deduction_check", "line_adjust",
    "meeting_check", "meeting_open", "meeting_save", "member_check", "member_delete",
    "member_save", "protocol_approve", "protocol_tally", "provider_check_inclusion",
    "provider_create", "provider_rate", "provider_save", "vote_cast",
]
