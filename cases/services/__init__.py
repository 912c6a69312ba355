"""Writes on cases, one module a concern. Every function here is the only way its change happens.

- ``assignments``: who holds a case, and the object rights that follow;
- ``referrals``: intake and triage;
- ``workflow``: the case's status;
- ``content``: assessment, network map, consents;
- ``emergency``: break-the-glass access.

Who may do each is in ``cases.permissions``; everything is importable from
``cases.services`` as before.
"""

from cases.services.assignments import (
    ASSIGNABLE_ROLES,
    ASSIGNMENT_GRANTS,
    case_assignment_end,
    case_assignment_start,
)
from cases.services.content import (
    assessment_record,
    consent_record,
    consent_withdraw,
    consent_withdrawal_write,
    consent_write,
    network_member_add,
)
from cases.services.emergency import (
    emergency_access_end,
    emergency_access_open,
    emergency_access_refuse,
    emergency_access_review,
)
from cases.services.referrals import (
    referral_decide,
    referral_decided_text,
    referral_participant_resolve,
    referral_receipt_text,
    referral_submit,
)
from cases.services.workflow import case_status_change

__all__ = [
    "ASSIGNABLE_ROLES",
    "ASSIGNMENT_GRANTS",
    "assessment_record",
    "case_assignment_end",
    "case_assignment_start",
    "case_status_change",
    "consent_record",
    "consent_withdraw",
    "consent_withdrawal_write",
    "consent_write",
    "emergency_access_end",
    "emergency_access_open",
    "emergency_access_refuse",
    "emergency_access_review",
    "network_member_add",
    "referral_decide",
    "referral_decided_text",
    "referral_receipt_text",
    "referral_participant_resolve",
    "referral_submit",
]
