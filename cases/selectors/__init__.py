"""Reads of cases, always scoped to the user who reads: one module a concern, all importable from here.

- ``access``: who holds which case (the one gate), the case page's own reads, emergency access;
- ``case_list``: the case list, its search, filters and what is due;
- ``referrals``: triage, the referrer's list and the duplicate search;
- ``timeline``: a case's timeline.
"""

from cases.selectors.access import (
    EMERGENCY_GRANTS_CACHE,
    case_active_assignments,
    case_coordinators,
    case_get_for_user,
    case_list_for_user,
    case_pks_held,
    cases_held,
    cases_readable,
    emergency_access_active,
    emergency_access_list,
    emergency_grants_forget,
    set_detail_urls,
)
from cases.selectors.case_list import (
    CASE_LIST_STATUSES,
    CASE_PAGE_SIZE,
    CaseListFilter,
    case_due_choices,
    case_list_holders,
    case_page_for_user,
    case_rows_by_id,
    case_search_for_user,
    due_consent_expiring,
    due_needs_mentor,
    next_consent_expiry,
)
from cases.selectors.referrals import (
    DOB_WINDOW,
    DUPLICATE_DOB_DAYS,
    DUPLICATE_NAME_SIMILARITY,
    QUEUE_PAGE_SIZE,
    DuplicateMatch,
    participant_duplicates,
    referral_for_referrer,
    referral_get_for_triage,
    referral_list_for_referrer,
    referral_other_open,
    referral_queue,
    referral_queue_page,
)
from cases.selectors.timeline import (
    TimelineEvent,
    case_timeline,
)

__all__ = [
    "CASE_LIST_STATUSES",
    "CASE_PAGE_SIZE",
    "CaseListFilter",
    "DOB_WINDOW",
    "DUPLICATE_DOB_DAYS",
    "DUPLICATE_NAME_SIMILARITY",
    "DuplicateMatch",
    "EMERGENCY_GRANTS_CACHE",
    "QUEUE_PAGE_SIZE",
    "TimelineEvent",
    "case_active_assignments",
    "case_coordinators",
    "case_due_choices",
    "case_get_for_user",
    "case_list_for_user",
    "case_list_holders",
    "case_page_for_user",
    "case_rows_by_id",
    "case_pks_held",
    "case_search_for_user",
    "case_timeline",
    "cases_held",
    "cases_readable",
    "due_consent_expiring",
    "due_needs_mentor",
    "emergency_access_active",
    "emergency_access_list",
    "emergency_grants_forget",
    "next_consent_expiry",
    "participant_duplicates",
    "referral_for_referrer",
    "referral_get_for_triage",
    "referral_list_for_referrer",
    "referral_other_open",
    "referral_queue",
    "referral_queue_page",
    "set_detail_urls",
]
