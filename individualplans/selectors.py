"""Reads of individual plans. Each read of personal data is an access event (``records_read``)."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce, JSONObject
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from audit.models import AccessEvent
from audit.services import records_read
from cases.models import CaseAssignment, Consent
from cases.selectors import TimelineEvent, case_content
from individualplans import permissions
from individualplans.models import (
    CoordinatorPeriod,
    IndividualPlan,
    LifeArea,
    PlanConsent,
    PlanEvaluation,
    PlanGoal,
    PlanMeasure,
)
from mentorprogram.models import user_name
from mentorprogram.object_permissions import read_rights_along, read_rights_keep
from mentorprogram.paging import page_of
from mentorprogram.partners import PartnerService
from mentorprogram.roles import NO_PERSONAL_DATA, SLT_COORDINATOR, may_reach_personal_data, role_slugs_for

PLAN_LIST_PAGE_SIZE = 50
# The start page shows evaluations due within this many days.
DUE_SOON_DAYS = 14


def _with_due(plans):
    """Each plan with ``evaluation_due_on`` (the newest evaluation's next date, or the first) and ``goals_overdue``."""
    overdue = (
        PlanGoal.objects.filter(
            plan=OuterRef("pk"), status__in=PlanGoal.OPEN_STATUSES, target_date__lt=timezone.localdate()
        )
        .order_by()
        .values("plan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return plans.with_evaluation_due().annotate(
        goals_overdue=Coalesce(Subquery(overdue, output_field=IntegerField()), 0)
    )


def _coordinated_by(user):
    """The ids of the plans ``user`` is the responsible coordinator of now (an index scan on the periods)."""
    return CoordinatorPeriod.objects.filter(coordinator=user, period__upper_inf=True).values("plan_id")


def _readable_by(user, plans):
    """The plans of ``plans`` that ``user`` may read (the same rules as ``permissions.may_read_plan``).

    Written as two uncorrelated id lists (the plans they coordinate, the plans of the cases they
    mentor under a consent that covers the mentor), so the database reads each once, however many
    plans there are.
    """
    if not may_reach_personal_data(user):
        return plans.none()
    if SLT_COORDINATOR in role_slugs_for(user) and user.has_perm("individualplans.follow_plans"):
        return plans
    mentored_cases = CaseAssignment.objects.filter(
        user=user, kind=CaseAssignment.Kind.MENTOR, ended_at__isnull=True
    ).values("case_id")
    covered_cases = (
        Consent.objects.in_force()
        .filter(case_id__in=mentored_cases, plan_consent__isnull=False, services__contains=[PartnerService.MENTOR])
        .values("case_id")
    )
    # One list of ids (a union), not two alternatives: PostgreSQL would test each of the plans against both.
    covered_plans = IndividualPlan.objects.filter(case_id__in=covered_cases).values("pk")
    return plans.filter(pk__in=_coordinated_by(user).union(covered_plans))


def _coordinator_now():
    return Prefetch(
        "coordinator_periods",
        queryset=CoordinatorPeriod.objects.filter(period__upper_inf=True).select_related("coordinator"),
        to_attr="current_periods",
    )


def _readable(row, user):
    """``row`` (a plan, or a goal or measure of one) if ``user`` may read its plan; Http404 otherwise, as for none."""
    if row is None or not permissions.may_read_plan(user, row if isinstance(row, IndividualPlan) else row.plan):
        raise Http404
    return row


def _readable_plan(user, pk: int) -> IndividualPlan:
    return _readable(
        IndividualPlan.objects.select_related("case__participant", "participant").filter(pk=pk).first(), user
    )


@records_read(AccessEvent.Kind.VIEW)
def plan_get_for_user(*, user, pk: int) -> IndividualPlan:
    """One plan for a reader who may read it; Http404 for anyone else (as for a plan that does not exist)."""
    return _readable_plan(user, pk)


@records_read(AccessEvent.Kind.VIEW)
def goal_for_user(*, user, pk: int) -> PlanGoal:
    return _readable(PlanGoal.objects.select_related("plan__case__participant").filter(pk=pk).first(), user)


@records_read(AccessEvent.Kind.VIEW)
def measure_for_user(*, user, pk: int) -> PlanMeasure:
    return _readable(PlanMeasure.objects.select_related("plan__case__participant", "goal").filter(pk=pk).first(), user)


@dataclass
class AreaGoals:
    area: str
    label: str
    goals: list = field(default_factory=list)


@dataclass
class PlanPage:
    """Everything the plan page (and the participant's PDF) shows, in a fixed number of queries."""

    plan: IndividualPlan
    areas: list[AreaGoals]
    evaluations: list[PlanEvaluation]
    periods: list[CoordinatorPeriod]
    consents: list[Consent]
    coordinator: object
    evaluation_due_on: datetime.date
    consent_in_force: bool
    mentor_may_read: bool
    measure_count: int

    @property
    def evaluation_overdue(self) -> bool:
        return self.plan.is_active and self.evaluation_due_on < timezone.localdate()


def plan_page(*, plan: IndividualPlan) -> PlanPage:
    """The plan's content, grouped by life area in the order of ``LifeArea``. Reads recorded by the caller's selector."""
    goals = list(
        PlanGoal.objects.filter(plan=plan).prefetch_related(
            Prefetch("measures", queryset=PlanMeasure.objects.order_by("starts_on", "pk"))
        )
    )
    areas = []
    for code, label in LifeArea.choices:
        in_area = [goal for goal in goals if goal.life_area == code]
        if in_area:
            areas.append(AreaGoals(code, label, in_area))
    evaluations = list(PlanEvaluation.objects.filter(plan=plan).select_related("evaluated_by"))
    periods = list(CoordinatorPeriod.objects.filter(plan=plan).select_related("coordinator", "started_by"))
    today = timezone.localdate()
    consents = list(
        Consent.objects.filter(case_id=plan.case_id, plan_consent__isnull=False).select_related("withdrawal")
    )
    in_force = [consent for consent in consents if consent.is_active(today)]
    return PlanPage(
        plan=plan,
        areas=areas,
        evaluations=evaluations,
        periods=periods,
        consents=consents,
        coordinator=next((p.coordinator for p in periods if p.ended_at is None), None),
        evaluation_due_on=evaluations[0].next_due_on if evaluations else plan.first_evaluation_on,
        consent_in_force=bool(in_force),
        mentor_may_read=any(PartnerService.MENTOR in consent.services for consent in in_force),
        measure_count=sum(len(goal.measures.all()) for goal in goals),
    )


@records_read(AccessEvent.Kind.EXPORT)
def plan_for_print(*, user, pk: int) -> IndividualPlan:
    """The plan the participant's copy is printed from: printing is an export, recorded as such."""
    return _readable_plan(user, pk)


@records_read(AccessEvent.Kind.LIST, model=IndividualPlan, rows=lambda result: result[0])
def plan_list_for_user(*, user, page: int = 1, include_closed: bool = False, per_page: int = PLAN_LIST_PAGE_SIZE):
    """The plans the user may read, those with the earliest evaluation first: (rows, whether there is a next page)."""
    plans = _readable_by(user, IndividualPlan.objects.all())
    if not include_closed:
        plans = plans.filter(status=IndividualPlan.Status.ACTIVE)
    plans = _with_due(plans).select_related("participant").prefetch_related(_coordinator_now())
    return page_of(plans.order_by("status", "evaluation_due_on", "pk"), page=page, per_page=per_page)


@records_read(AccessEvent.Kind.LIST, model=IndividualPlan, skip_empty=True)
def plans_needing_coordinator(*, user) -> list[IndividualPlan]:
    """The active plans ``user`` coordinates with an evaluation due within two weeks or a goal past its date."""
    horizon = timezone.localdate() + datetime.timedelta(days=DUE_SOON_DAYS)
    plans = _with_due(IndividualPlan.objects.filter(pk__in=_coordinated_by(user), status=IndividualPlan.Status.ACTIVE))
    plans = plans.filter(Q(evaluation_due_on__lte=horizon) | Q(goals_overdue__gt=0)).select_related("participant")
    return list(plans.order_by("evaluation_due_on", "pk")[:PLAN_LIST_PAGE_SIZE])


def start_panel(user) -> dict | None:
    """The coordinator's start page: plans that need them (registered with ``mentorprogram.startpage``)."""
    if not (may_reach_personal_data(user) and set(role_slugs_for(user)) & permissions.COORDINATOR_ROLES):
        return None
    plans = plans_needing_coordinator(user=user)
    return {"template": "individualplans/includes/start_panel.html", "plans": plans, "today": timezone.localdate()}


def _case_plans(case, reader=None) -> list[IndividualPlan]:
    """The case's plans with their coordinator periods (in order) and their evaluations' timeline rows
    (``evaluation_rows``, read along with each plan), read once for the case object: the case page's plan section
    and its timeline both use them. In a request of ``reader``'s that only reads, the reader's object rights on
    each plan come along, for the permission checks that follow."""
    if "plans" not in getattr(case, "_prefetched_objects_cache", {}):
        periods = CoordinatorPeriod.objects.select_related("coordinator", "started_by").order_by("period")
        plans = (
            IndividualPlan.objects.select_related("created_by", "closed_by")
            .prefetch_related(Prefetch("coordinator_periods", queryset=periods))
            .annotate(evaluation_rows=ArraySubquery(_evaluation_rows()), **read_rights_along(reader, IndividualPlan))
        )
        prefetch_related_objects([case], Prefetch("plans", queryset=plans))
        for plan in case.plans.all():
            read_rights_keep(reader, plan)
    return list(case.plans.all())


# Whether a consent of the case is a consent to an individual plan, read along with the case page's consents.
PLAN_CONSENT_MARK = "is_plan_consent"


def consents_marked(consents):
    """The case page's consents, each with ``is_plan_consent`` (registered with ``cases.registry``)."""
    return consents.annotate(**{PLAN_CONSENT_MARK: Exists(PlanConsent.objects.filter(consent=OuterRef("pk")))})


def _evaluation_rows():
    """A plan's evaluations for the timeline, oldest first: when, and who (their names as JSON)."""
    who = {key: f"evaluated_by__{column}" for key, column in (("first", "first_name"), ("last", "last_name"))}
    return (
        PlanEvaluation.objects.filter(plan=OuterRef("pk"))
        .order_by("evaluated_at", "pk")
        .values(row=JSONObject(at="evaluated_at", username="evaluated_by__username", **who))
    )


def case_page_plan(*, case, user) -> dict:
    """The case page's plan section (registered with ``cases.registry``): the plan's state, and what the user may do.

    The plan's content stays on the plan's own page, for those who may read it.
    """
    # The one shown: an active plan before a closed one (the statuses sort so), the newest first.
    plan = min(_case_plans(case, user), key=lambda plan: (plan.status, -plan.created_at.timestamp()), default=None)
    current = [period for period in plan.coordinator_periods.all() if period.period.upper_inf] if plan else []
    # From the consents the case page has read, each with whether it is a consent to a plan (``consents_marked``);
    # ``Consent.is_active`` is the rule ``Consent.objects.in_force`` asks.
    consents = case_content(case, "consents")
    if all(hasattr(consent, PLAN_CONSENT_MARK) for consent in consents):
        plan_consent_pks = {consent.pk for consent in consents if getattr(consent, PLAN_CONSENT_MARK)}
    else:  # read by another path, without the mark
        plan_consent_pks = set(PlanConsent.objects.filter(case=case).values_list("consent_id", flat=True))
    consent_in_force = any(consent.pk in plan_consent_pks and consent.is_active() for consent in consents)
    return {
        "plan_section": {
            "plan": plan,
            "coordinator": current[0].coordinator if current else None,
            "may_read": plan is not None and permissions.may_read_plan(user, plan),
            "may_start": (plan is None or not plan.is_active) and permissions.may_start_plan(user, case),
            "consent_in_force": consent_in_force,
        },
        "plan_consent_pks": plan_consent_pks,
    }


def case_timeline_entries(*, case, reader, name):
    """The case timeline's plan events (registered with ``cases.registry``): started, handed over, evaluated, closed."""
    events = []
    plans = _case_plans(case, reader)
    for plan in plans:
        events.append(TimelineEvent(plan.created_at, gettext("Individual plan started"), name(plan.created_by)))
        if plan.closed_at:
            events.append(TimelineEvent(plan.closed_at, gettext("Individual plan closed"), name(plan.closed_by)))
    for period in sorted((period for plan in plans for period in plan.coordinator_periods.all()), key=_period_start):
        if period.handover_note:
            events.append(
                TimelineEvent(
                    period.started_at,
                    gettext("Individual plan handed over to %(name)s") % {"name": name(period.coordinator)},
                    name(period.started_by),
                )
            )
    for row in (row for plan in plans for row in plan.evaluation_rows):
        who = user_name(row["first"], row["last"], row["username"]) if row["username"] is not None else ""
        events.append(
            TimelineEvent(datetime.datetime.fromisoformat(row["at"]), gettext("Individual plan evaluated"), who)
        )
    return events


def _period_start(period):
    return period.period.lower


def coordinator_choices(*, exclude=None):
    """The people a plan may be given to: active users with a coordinator's role who reach personal data."""
    from django.contrib.auth import get_user_model

    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=permissions.COORDINATOR_ROLES)
        .exclude(groups__name__in=NO_PERSONAL_DATA)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users


def _active_readable_plans(user):
    return _readable_by(user, IndividualPlan.objects.filter(status=IndividualPlan.Status.ACTIVE))


def due_evaluation(cases, *, today: datetime.date, user):
    """The case list's «plan evaluation due» filter (registered with ``cases.registry``): an active plan the reader
    may read whose evaluation is due within REMINDER_PLAN_EVALUATION_DAYS, or overdue."""
    horizon = today + datetime.timedelta(days=settings.REMINDER_PLAN_EVALUATION_DAYS)
    due = _active_readable_plans(user).with_evaluation_due().filter(evaluation_due_on__lte=horizon)
    return cases.filter(pk__in=due.values("case_id"))


def next_evaluation(cases, *, today: datetime.date, user):
    """Each case with ``due_evaluation``: its active plan's next evaluation, if the reader may read the plan."""
    plan = _active_readable_plans(user).filter(case=OuterRef("pk")).with_evaluation_due().values("evaluation_due_on")
    return cases.annotate(due_evaluation=Subquery(plan[:1]))
