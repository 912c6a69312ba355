"""Who may match a mentor to a case."""

from cases.models import Case
from mentorprogram.roles import SLT_COORDINATOR, may_reach_personal_data, role_slugs_for


def may_match(user, case: Case) -> bool:
    """SLT coordinators match any case; a coordinator matches the cases they coordinate."""
    if not may_reach_personal_data(user):
        return False
    if SLT_COORDINATOR in role_slugs_for(user) and user.has_perm("mentors.view_mentor_pool"):
        return True
    return user.has_perm("cases.assign_case", case)
