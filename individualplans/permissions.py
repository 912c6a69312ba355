"""Who may do what with an individual plan. Each predicate is true or false and has no side effect.

- the responsible coordinator (object rights from their coordinator period) edits;
- SLT coordinators read every plan (``individualplans.follow_plans``), and may hand one over;
- the case's assigned mentor reads while a consent to the plan that covers the mentor is in force;
- nobody else: the steering group and the administrator never (``may_reach_personal_data``).
"""

from cases.models import Consent
from cases.permissions import may_change_case
from individualplans.models import IndividualPlan, PlanConsent
from mentorprogram.object_permissions import rights_checker
from mentorprogram.partners import PartnerService
from mentorprogram.roles import COORDINATOR, SLT_COORDINATOR, may_reach_personal_data, role_slugs_for

# The object rights a coordinator period gives on its plan (``services.plan_rights_sync``).
COORDINATOR_RIGHTS = frozenset({"view_individualplan", "change_individualplan"})
# Who may be a plan's coordinator.
COORDINATOR_ROLES = frozenset({COORDINATOR, SLT_COORDINATOR})


def plan_consents_in_force(case_pk: int, *, on=None):
    """The case's consents to an individual plan that hold ``on`` (today): not withdrawn, within their dates."""
    return Consent.objects.in_force(on).filter(case_id=case_pk, plan_consent__isnull=False)


def plan_consent_in_force(case_pk: int) -> bool:
    return plan_consents_in_force(case_pk).exists()


def consent_covers_mentor(case_pk: int) -> bool:
    return plan_consents_in_force(case_pk).filter(services__contains=[PartnerService.MENTOR]).exists()


def _plan_rights(user, plan: IndividualPlan) -> set[str]:
    """The user's object rights on the plan, asked once per user object (a page asks many questions of one plan);
    the user's own, as every object right is read (``mentorprogram.object_permissions.UserRightsChecker``).

    ``services.plan_rights_sync`` forgets them when it changes them.
    """
    cache = user.__dict__.setdefault("_plan_rights", {})
    if plan.pk not in cache:
        cache[plan.pk] = set(rights_checker(user).get_perms(plan)) if user.is_active else set()
    return cache[plan.pk]


def forget_plan_rights(user) -> None:
    user.__dict__.pop("_plan_rights", None)


def is_plan_coordinator(user, plan: IndividualPlan) -> bool:
    return "change_individualplan" in _plan_rights(user, plan)


def is_assigned_mentor(user, case) -> bool:
    """The case's mentor: the object right their mentor assignment gives (``cases.services``)."""
    return user.has_perm("cases.log_session", case)


def may_read_plan(user, plan: IndividualPlan) -> bool:
    if not may_reach_personal_data(user):
        return False
    if "view_individualplan" in _plan_rights(user, plan):
        return True
    if SLT_COORDINATOR in role_slugs_for(user) and user.has_perm("individualplans.follow_plans"):
        return True
    return is_assigned_mentor(user, plan.case) and consent_covers_mentor(plan.case_id)


def may_edit_plan(user, plan: IndividualPlan, *, consent_in_force: bool | None = None) -> bool:
    """The responsible coordinator, while the plan is active and a consent to it is in force. ``consent_in_force``:
    whether one is, when the caller has read the plan's consents already (the plan page has); otherwise asked."""
    if not (may_reach_personal_data(user) and plan.is_active and is_plan_coordinator(user, plan)):
        return False
    return plan_consent_in_force(plan.case_id) if consent_in_force is None else consent_in_force


def may_hand_over(user, plan: IndividualPlan) -> bool:
    """The responsible coordinator, or an SLT coordinator (when the coordinator is away), on an active plan."""
    if not (may_reach_personal_data(user) and plan.is_active):
        return False
    return is_plan_coordinator(user, plan) or (
        SLT_COORDINATOR in role_slugs_for(user) and user.has_perm("individualplans.follow_plans")
    )


def may_close_plan(user, plan: IndividualPlan) -> bool:
    return may_reach_personal_data(user) and plan.is_active and is_plan_coordinator(user, plan)


def may_start_plan(user, case) -> bool:
    """The case's coordinator starts a plan (and records the consent to it)."""
    return may_change_case(user, case)


def may_record_plan_consent(user, case, plan: IndividualPlan | None) -> bool:
    """The case's coordinator, or the plan's coordinator (renewing the consent of a plan they hold)."""
    return may_change_case(user, case) or (plan is not None and is_plan_coordinator(user, plan))


def may_withdraw_plan_consent(user, plan: IndividualPlan) -> bool:
    return may_reach_personal_data(user) and (is_plan_coordinator(user, plan) or may_change_case(user, plan.case))


def may_coordinate(user) -> bool:
    """Whether ``user`` may be made a plan's coordinator."""
    return user.is_active and bool(set(role_slugs_for(user)) & COORDINATOR_ROLES) and may_reach_personal_data(user)


def is_plan_consent(consent: Consent) -> bool:
    return PlanConsent.objects.filter(consent=consent).exists()
