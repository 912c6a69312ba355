"""Who may record disclosures, and who reads the register across every case."""

from cases.models import Case
from mentorprogram.roles import may_reach_personal_data


def may_record_disclosure(user, case: Case) -> bool:
    """SLT coordinators, coordinators and mentors, on a case they hold (DESIGN.md: «record a disclosure»)."""
    return (
        may_reach_personal_data(user)
        and user.has_perm("disclosures.add_disclosure")
        and user.has_perm("cases.view_case", case)
    )


def may_read_register(user) -> bool:
    """The privacy officer reads every case's disclosures (DESIGN.md: «read all»)."""
    return may_reach_personal_data(user) and user.has_perm("disclosures.view_disclosure")
