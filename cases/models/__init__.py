"""Participants and their cases, the referrals that lead to them, and the assignments that give people access.

One module a concern (people, the case and what it gathers, referrals,
assignments and object rights, emergency access, retention); everything is
importable from ``cases.models`` as before.
"""

from cases.models.assignments import CaseAssignment, CaseGroupObjectPermission, CaseUserObjectPermission
from cases.models.case import (
    Assessment,
    Case,
    CaseStatusChange,
    CaseWishes,
    Consent,
    ConsentWithdrawal,
    NetworkMember,
)
from cases.models.emergency import EmergencyAccess, EmergencyAccessQuerySet
from cases.models.people import Gender, Ideology, Participant, age_on
from cases.models.referrals import Referral
from cases.models.retention import LegalHold, RetentionRun

__all__ = [
    "Assessment",
    "Case",
    "CaseAssignment",
    "CaseGroupObjectPermission",
    "CaseStatusChange",
    "CaseUserObjectPermission",
    "CaseWishes",
    "Consent",
    "ConsentWithdrawal",
    "EmergencyAccess",
    "EmergencyAccessQuerySet",
    "Gender",
    "Ideology",
    "LegalHold",
    "NetworkMember",
    "Participant",
    "age_on",
    "Referral",
    "RetentionRun",
]
