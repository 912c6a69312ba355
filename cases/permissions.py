"""Who may do what to a case: the predicates the services enforce and the views ask before they offer.

Object rights come from assignments only (``cases.services.assignments``);
these read them. Each predicate is true or false and has no side effect.
"""

from cases.models import Case, CaseAssignment
from mentorprogram.roles import SLT_COORDINATOR, may_reach_personal_data, role_slugs_for


def may_assign(user, case: Case) -> bool:
    """An SLT coordinator (model-wide), or the case's own coordinator (an object right from the assignment)."""
    if not may_reach_personal_data(user):
        return False
    if SLT_COORDINATOR in role_slugs_for(user) and user.has_perm("cases.assign_case"):
        return True
    return user.has_perm("cases.assign_case", case)


def may_change_case(user, case: Case) -> bool:
    """Writes on a case's content and status: its coordinator (an object right), never a role-wide permission."""
    return may_reach_personal_data(user) and user.has_perm("cases.change_case", case)


def may_open_emergency_access(user, case: Case) -> bool:
    """SLT coordinators and coordinators, on an open case they do not hold already."""
    return (
        may_reach_personal_data(user)
        and user.has_perm("cases.open_emergency_access")
        and case.status != Case.Status.CLOSED
        and not CaseAssignment.objects.filter(case=case, user=user, ended_at__isnull=True).exists()
    )
