"""Writes on individual plans. Views, the API and tasks all come here; each function checks who may.

Every rule the service refuses with a Norwegian message, the database
refuses too when the service is bypassed (migration 0002).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_event_record
from cases.models import Case, Consent, age_on
from cases.retention import delete_each
from cases.services import consent_withdrawal_write, consent_write
from individualplans import permissions
from individualplans.models import (
    CoordinatorPeriod,
    IndividualPlan,
    PlanConsent,
    PlanEvaluation,
    PlanGoal,
    PlanMeasure,
)
from mentorprogram.partners import PartnerService
from mentorprogram.rights import object_rights_sync
from mentorprogram.roles import may_reach_personal_data
from notifications.models import Notification
from notifications.services import notification_send

ADULT_AGE = 18


class EditConflict(ValidationError):
    """Someone else saved the same plan, goal or measure after the form was opened.

    ``current`` is the row as it is now; the form is shown again with what the
    user typed, the version set to the current one, and the other's change beside it.
    """

    def __init__(self, current):
        super().__init__(
            _(
                "Someone else saved changes here while you were editing. What you typed is kept below; "
                "compare it with what is saved now, and save again to keep yours."
            )
        )
        self.current = current


def _active_plan(case: Case) -> IndividualPlan | None:
    return IndividualPlan.objects.filter(
        participant_id=case.participant_id, status=IndividualPlan.Status.ACTIVE
    ).first()


def _consented_services(case_pk: int) -> set[str]:
    services: set[str] = set()
    for listed in permissions.plan_consents_in_force(case_pk).values_list("services", flat=True):
        services.update(listed)
    return services


def _require_consented(case_pk: int, services, *, field: str) -> None:
    """Every service named is covered by a consent to the plan that is in force."""
    missing = [code for code in services if code not in _consented_services(case_pk)]
    if missing:
        labels = ", ".join(str(PartnerService(code).label) for code in missing if code in PartnerService.values)
        raise ValidationError(
            {
                field: _(
                    "Not covered by the participant's consent to the plan: %(services)s. "
                    "Record a consent that names the service first."
                )
                % {"services": labels or ", ".join(missing)}
            }
        )


def _require_future(day: datetime.date | None, *, field: str) -> None:
    if day is not None and day <= timezone.localdate():
        raise ValidationError({field: _("The next evaluation must be after today.")})


def _lock_for_edit(model, obj, version: int):
    """The row, locked; EditConflict when its version is not the one the form was opened with."""
    current = model.objects.select_for_update().get(pk=obj.pk)
    if current.version != version:
        raise EditConflict(current)
    return current


def _save_edit(obj, fields: dict) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.version += 1
    obj.full_clean()
    obj.save()


def plan_rights_sync(*, user, plan: IndividualPlan) -> tuple[set[str], set[str]]:
    """Make ``user``'s rights on ``plan`` exactly what their open coordinator period gives (nothing without one)."""
    holds = CoordinatorPeriod.objects.filter(plan=plan, coordinator=user, period__upper_inf=True).exists()
    wanted = set(permissions.COORDINATOR_RIGHTS) if holds else set()
    permissions.forget_plan_rights(user)
    return object_rights_sync(user=user, obj=plan, wanted=wanted, managed=set(permissions.COORDINATOR_RIGHTS))


def _coordinator_started(*, actor, plan, period, granted, request, note_from=None) -> None:
    audit_event_record(
        action=AuditEvent.Action.PLAN_COORDINATOR_STARTED,
        actor=actor,
        subject_user=period.coordinator,
        obj=plan,
        data={"period": period.pk, "case": plan.case_id, "granted": sorted(granted), "from": note_from},
        request=request,
    )
    # A handover tells the new coordinator always; a new plan tells them when someone else chose them.
    if note_from is not None or period.coordinator != actor:
        notification_send(
            recipient=period.coordinator,
            kind=Notification.Kind.PLAN_HANDED_TO_YOU,
            params={"plan": plan.pk},
            url=reverse("plans:detail", args=[plan.pk]),
            dedup_key=f"plan_period:{period.pk}:started",
        )


# --- Consent ------------------------------------------------------------------------------


@transaction.atomic
def plan_consent_record(*, actor, case: Case, **fields) -> Consent:
    """Record the participant's consent to an individual plan, with the case's consents.

    Given by the participant, or by a named guardian while the participant is
    under 18. The services it names are those taking part in the plan.
    """
    if not permissions.may_record_plan_consent(actor, case, _active_plan(case)):
        raise PermissionDenied
    valid_from = fields.get("valid_from")
    if (
        fields.get("given_by") == Consent.GivenBy.GUARDIAN
        and valid_from
        and age_on(case.participant.date_of_birth, valid_from) >= ADULT_AGE
    ):
        raise ValidationError(
            {"given_by": _("The participant is 18 or older and gives the consent to a plan themselves.")}
        )
    if not fields.get("services"):
        raise ValidationError({"services": _("Name at least one service taking part in the plan.")})
    consent = consent_write(actor=actor, case=case, **fields)
    PlanConsent.objects.create(consent=consent, case=case)
    return consent


@transaction.atomic
def plan_consent_withdraw(*, actor, plan: IndividualPlan, consent: Consent) -> Consent:
    """The participant withdrew their consent to the plan: work on the plan stops at once."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if not permissions.may_withdraw_plan_consent(actor, plan):
        raise PermissionDenied
    if consent.case_id != plan.case_id or not permissions.is_plan_consent(consent):
        raise PermissionDenied
    return consent_withdrawal_write(actor=actor, consent=consent)


def on_consent_withdrawn(*, consent: Consent, actor) -> None:
    """Registered with ``cases.registry``: when the last consent to a plan goes, its coordinator is told at once."""
    if not permissions.is_plan_consent(consent) or permissions.plan_consent_in_force(consent.case_id):
        return
    for plan in IndividualPlan.objects.filter(case_id=consent.case_id, status=IndividualPlan.Status.ACTIVE):
        period = plan.current_period()
        if period is None or period.coordinator == actor:
            continue
        notification_send(
            recipient=period.coordinator,
            kind=Notification.Kind.PLAN_CONSENT_WITHDRAWN,
            params={"plan": plan.pk},
            url=reverse("plans:detail", args=[plan.pk]),
            dedup_key=f"plan_consent_withdrawn:{consent.pk}:{plan.pk}",
        )


# --- The plan -------------------------------------------------------------------------------


@transaction.atomic
def plan_start(
    *,
    actor,
    case: Case,
    coordinator,
    first_evaluation_on: datetime.date,
    participant_words: str = "",
    services=(),
    request=None,
) -> IndividualPlan:
    """Start the participant's individual plan, with its responsible coordinator from this moment."""
    if not permissions.may_start_plan(actor, case):
        raise PermissionDenied
    case = Case.objects.select_for_update().get(pk=case.pk)  # one start at a time per case
    if case.status == Case.Status.CLOSED:
        raise ValidationError(_("The case is closed: a plan is started in an open case."))
    if not permissions.plan_consent_in_force(case.pk):
        raise ValidationError(
            _("A plan is made only when the participant wants one: record their consent to an individual plan first.")
        )
    if _active_plan(case) is not None:
        raise ValidationError(_("The participant already has an active individual plan."))
    if not permissions.may_coordinate(coordinator):
        raise ValidationError({"coordinator": _("This person cannot be a plan's coordinator.")})
    _require_future(first_evaluation_on, field="first_evaluation_on")
    _require_consented(case.pk, services, field="services")
    plan = IndividualPlan(
        case=case,
        participant_id=case.participant_id,
        participant_words=participant_words,
        services=list(services),
        first_evaluation_on=first_evaluation_on,
        created_by=actor,
    )
    plan.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise ValidationError(_("The participant already has an active individual plan.")) from None
    period = CoordinatorPeriod.objects.create(
        plan=plan, coordinator=coordinator, period=DateTimeTZRange(plan.created_at, None, "[)"), started_by=actor
    )
    granted, _revoked = plan_rights_sync(user=coordinator, plan=plan)
    _coordinator_started(actor=actor, plan=plan, period=period, granted=granted, request=request)
    return plan


@transaction.atomic
def plan_update(*, actor, plan: IndividualPlan, version: int, participant_words: str, services) -> IndividualPlan:
    """The participant's own words and the services taking part."""
    if not permissions.may_edit_plan(actor, plan):
        raise PermissionDenied
    current = _lock_for_edit(IndividualPlan, plan, version)
    _require_consented(plan.case_id, services, field="services")
    _save_edit(current, {"participant_words": participant_words, "services": list(services)})
    return current


@transaction.atomic
def plan_hand_over(*, actor, plan: IndividualPlan, to, note: str, request=None) -> CoordinatorPeriod:
    """Hand the plan to another coordinator: one period ends and the next begins at the same moment.

    The rights move in the same transaction (the one grant path), so the new
    coordinator reads the plan the moment this commits and the old one no longer does.
    """
    plan = IndividualPlan.objects.select_for_update().get(pk=plan.pk)
    if not permissions.may_hand_over(actor, plan):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"note": _("Write a handover note for the new coordinator.")})
    if not permissions.may_coordinate(to):
        raise ValidationError({"to": _("This person cannot be a plan's coordinator.")})
    current = CoordinatorPeriod.objects.select_for_update().get(plan=plan, period__upper_inf=True)
    if current.coordinator_id == to.pk:
        raise ValidationError({"to": _("This person is already the plan's coordinator.")})
    now = max(timezone.now(), current.period.lower + datetime.timedelta(microseconds=1))
    current.period = DateTimeTZRange(current.period.lower, now, "[)")
    current.save(update_fields=["period"])
    period = CoordinatorPeriod.objects.create(
        plan=plan, coordinator=to, period=DateTimeTZRange(now, None, "[)"), handover_note=note, started_by=actor
    )
    previous = current.coordinator
    permissions.forget_plan_rights(actor)  # the actor may be either of them, as another object
    _granted, revoked = plan_rights_sync(user=previous, plan=plan)
    granted, _revoked = plan_rights_sync(user=to, plan=plan)
    audit_event_record(
        action=AuditEvent.Action.PLAN_COORDINATOR_ENDED,
        actor=actor,
        subject_user=previous,
        obj=plan,
        data={"period": current.pk, "case": plan.case_id, "revoked": sorted(revoked), "to": to.pk},
        request=request,
    )
    _coordinator_started(actor=actor, plan=plan, period=period, granted=granted, request=request, note_from=previous.pk)
    # Both coordinators are told, whoever made the handover; the old one gets no link (the plan is out of reach).
    notification_send(
        recipient=previous,
        kind=Notification.Kind.PLAN_HANDED_AWAY,
        params={"plan": plan.pk},
        dedup_key=f"plan_period:{current.pk}:ended",
    )
    return period


@transaction.atomic
def plan_close(*, actor, plan: IndividualPlan, version: int, note: str) -> IndividualPlan:
    """Close the plan (the participant no longer wants it, or it is fulfilled); a closed plan is read only."""
    if not permissions.may_close_plan(actor, plan):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"note": _("Say why the plan is closed.")})
    current = _lock_for_edit(IndividualPlan, plan, version)
    _save_edit(
        current,
        {
            "status": IndividualPlan.Status.CLOSED,
            "closed_at": timezone.now(),
            "closed_by": actor,
            "closing_note": note,
        },
    )
    return current


# --- Goals, measures, evaluations ---------------------------------------------------------


def _require_editable(actor, plan: IndividualPlan) -> None:
    """``permissions.may_edit_plan``, each refusal with its reason: not theirs, closed, or no consent in force."""
    if not (may_reach_personal_data(actor) and permissions.is_plan_coordinator(actor, plan)):
        raise PermissionDenied
    if not plan.is_active:
        raise ValidationError(_("The plan is closed and can no longer be changed."))
    if not permissions.plan_consent_in_force(plan.case_id):
        raise ValidationError(
            _("The participant's consent to the plan is withdrawn or has expired: the plan cannot be changed.")
        )


@transaction.atomic
def goal_add(*, actor, plan: IndividualPlan, **fields) -> PlanGoal:
    _require_editable(actor, plan)
    goal = PlanGoal(plan=plan, created_by=actor, **fields)
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def goal_update(*, actor, goal: PlanGoal, version: int, **fields) -> PlanGoal:
    _require_editable(actor, goal.plan)
    current = _lock_for_edit(PlanGoal, goal, version)
    _save_edit(current, fields)
    return current


def _check_measure(plan: IndividualPlan, fields: dict) -> None:
    starts_on, ends_on = fields.get("starts_on"), fields.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("A measure cannot end before it starts.")})
    if fields.get("service"):
        _require_consented(plan.case_id, [fields["service"]], field="service")


@transaction.atomic
def measure_add(*, actor, goal: PlanGoal, **fields) -> PlanMeasure:
    _require_editable(actor, goal.plan)
    _check_measure(goal.plan, fields)
    measure = PlanMeasure(plan_id=goal.plan_id, goal=goal, created_by=actor, **fields)
    measure.full_clean()
    measure.save()
    return measure


@transaction.atomic
def measure_update(*, actor, measure: PlanMeasure, version: int, **fields) -> PlanMeasure:
    _require_editable(actor, measure.plan)
    _check_measure(measure.plan, fields)
    current = _lock_for_edit(PlanMeasure, measure, version)
    _save_edit(current, fields)
    return current


@transaction.atomic
def evaluation_record(*, actor, plan: IndividualPlan, summary: str, changes: str, next_due_on) -> PlanEvaluation:
    """An evaluation of the plan; the next one falls due on ``next_due_on`` (after today)."""
    _require_editable(actor, plan)
    _require_future(next_due_on, field="next_due_on")
    evaluation = PlanEvaluation(
        plan=plan, summary=summary, changes=changes, next_due_on=next_due_on, evaluated_by=actor
    )
    evaluation.full_clean()
    evaluation.save()
    return evaluation


# --- Erasure ------------------------------------------------------------------------------


def erase_with_case(case) -> dict:
    """Erasure under the retention rules (registered with ``cases.registry``): the case's plans, children first."""
    plans = IndividualPlan.objects.filter(case=case)
    counts = {
        "plan_measures": len(delete_each(PlanMeasure.objects.filter(plan__in=plans))),
        "plan_goals": len(delete_each(PlanGoal.objects.filter(plan__in=plans))),
        "plan_evaluations": len(delete_each(PlanEvaluation.objects.filter(plan__in=plans))),
        "plan_coordinator_periods": len(delete_each(CoordinatorPeriod.objects.filter(plan__in=plans))),
    }
    counts["plans"] = len(delete_each(plans))
    counts["plan_consents"] = len(delete_each(PlanConsent.objects.filter(case=case)))
    return counts
