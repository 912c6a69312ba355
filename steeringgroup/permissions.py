"""Who may do what with steering reports. Only counts here, yet the rules are as strict as for cases."""

from mentorprogram.roles import SLT_COORDINATOR, may_reach_personal_data, role_slugs_for


def may_generate(user) -> bool:
    """SLT coordinators build and publish reports (and see the drafts)."""
    return (
        may_reach_personal_data(user)
        and SLT_COORDINATOR in role_slugs_for(user)
        and user.has_perm("steeringgroup.generate_steering_reports")
    )


def may_read_published(user) -> bool:
    """The steering group reads published reports (and SLT coordinators, who make them)."""
    return may_generate(user) or user.has_perm("steeringgroup.read_steering_reports")
