"""Plans for tests, made through the services (the database takes them no other way)."""

import datetime

from django.utils import timezone

from cases.models import Consent
from individualplans.models import LifeArea, PlanGoal, PlanMeasure
from individualplans.services import evaluation_record, goal_add, measure_add, plan_consent_record, plan_start
from mentorprogram.partners import PartnerService


def consent_to_plan(actor, case, *, services=(PartnerService.MENTOR, PartnerService.NAV, PartnerService.SCHOOL)):
    return plan_consent_record(
        actor=actor,
        case=case,
        services=list(services),
        given_by=Consent.GivenBy.PARTICIPANT,
        guardian_name="",
        valid_from=timezone.localdate(),
        valid_to=None,
    )


def start_plan(actor, case, *, coordinator=None, consent=True, **fields):
    """A consent (unless ``consent=False``) and an active plan coordinated by ``coordinator`` (the actor)."""
    if consent:
        consent_to_plan(actor, case)
    fields.setdefault("first_evaluation_on", timezone.localdate() + datetime.timedelta(days=90))
    return plan_start(actor=actor, case=case, coordinator=coordinator or actor, **fields)


def add_goal(actor, plan, *, life_area=LifeArea.EDUCATION, wording="Fullføre første år på videregående.", **fields):
    fields.setdefault("target_date", timezone.localdate() + datetime.timedelta(days=180))
    fields.setdefault("status", PlanGoal.Status.IN_PROGRESS)
    return goal_add(actor=actor, plan=plan, life_area=life_area, wording=wording, **fields)


def add_measure(actor, goal, *, service=PartnerService.SCHOOL, **fields):
    fields.setdefault("description", "Ukentlig samtale med rådgiver.")
    fields.setdefault("responsible_person", "Rådgiver Hansen")
    fields.setdefault("starts_on", timezone.localdate())
    fields.setdefault("status", PlanMeasure.Status.ONGOING)
    return measure_add(actor=actor, goal=goal, service=service, **fields)


def evaluate(actor, plan, *, summary="Går bedre.", changes="", due_in_days=60):
    return evaluation_record(
        actor=actor,
        plan=plan,
        summary=summary,
        changes=changes,
        next_due_on=timezone.localdate() + datetime.timedelta(days=due_in_days),
    )
