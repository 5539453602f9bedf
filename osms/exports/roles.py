"""Who may export: everyone who can see lists (the list's own view permission still applies)."""

from osms.core.roles import ANALYST, AUDITOR, COMMISSION_MEMBER, HQ_OPERATOR, REGIONAL_OPERATOR

# "add" = may start an export; "view"/"delete" = the download centre (own exports only).
_EXPORTER = {"exports.exportjob": "view,add,delete"}

ROLE_PERMISSIONS = {
    role: dict(_EXPORTER)
    for role in (HQ_OPERATOR, REGIONAL_OPERATOR, COMMISSION_MEMBER, ANALYST, AUDITOR)
}
