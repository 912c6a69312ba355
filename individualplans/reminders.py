"""The plans' daily reminders (registered with notifications in ``IndividualplansConfig.ready()``).

Each goes to the plan's responsible coordinator now, once per due date: an
evaluation due within REMINDER_PLAN_EVALUATION_DAYS, an evaluation overdue,
a goal past its target date and not yet reached.
"""

import datetime
from collections.abc import Iterator

from django.conf import settings
from django.urls import reverse

from individualplans.models import CoordinatorPeriod, IndividualPlan, PlanGoal
from notifications.models import Notification
from notifications.reminders import Reminder


def _coordinators(plan_pks) -> dict:
    periods = CoordinatorPeriod.objects.filter(plan_id__in=plan_pks, period__upper_inf=True).select_related(
        "coordinator"
    )
    return {period.plan_id: period.coordinator for period in periods}


def plan_evaluations_due(*, today: datetime.date) -> Iterator[Reminder]:
    horizon = today + datetime.timedelta(days=settings.REMINDER_PLAN_EVALUATION_DAYS)
    plans = list(
        IndividualPlan.objects.filter(status=IndividualPlan.Status.ACTIVE)
        .with_evaluation_due()
        .filter(evaluation_due_on__lte=horizon)
        .order_by("pk")
        .values_list("pk", "evaluation_due_on")
    )
    coordinators = _coordinators([pk for pk, _due in plans])
    for pk, due_on in plans:
        coordinator = coordinators.get(pk)
        if coordinator is None or not coordinator.is_active:
            continue
        state = "overdue" if due_on < today else "due"
        yield Reminder(
            recipient=coordinator,
            kind=Notification.Kind.PLAN_EVALUATION_DUE,
            params={"plan": pk, "date": due_on.isoformat(), "overdue": state == "overdue"},
            url=reverse("plans:detail", args=[pk]),
            dedup_key=f"plan_evaluation:{pk}:{due_on.isoformat()}:{state}",
        )


def plan_goals_past_target(*, today: datetime.date) -> Iterator[Reminder]:
    goals = list(
        PlanGoal.objects.filter(
            plan__status=IndividualPlan.Status.ACTIVE, status__in=PlanGoal.OPEN_STATUSES, target_date__lt=today
        )
        .order_by("plan_id", "pk")
        .values_list("pk", "plan_id", "target_date")
    )
    coordinators = _coordinators({plan_pk for _pk, plan_pk, _date in goals})
    for pk, plan_pk, target_date in goals:
        coordinator = coordinators.get(plan_pk)
        if coordinator is None or not coordinator.is_active:
            continue
        yield Reminder(
            recipient=coordinator,
            kind=Notification.Kind.PLAN_GOAL_OVERDUE,
            params={"plan": plan_pk, "date": target_date.isoformat()},
            url=reverse("plans:detail", args=[plan_pk]),
            dedup_key=f"plan_goal_overdue:{pk}:{target_date.isoformat()}",
        )
