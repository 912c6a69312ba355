"""Individual plans (individuell plan): made only with consent, one active per participant, one coordinator at a time.

The database keeps the rules that matter (migration 0002): one active plan per
participant; coordinator periods that never overlap (an exclusion constraint
over ``btree_gist``) and leave no gap from the plan's start to now (a deferred
constraint trigger); every edit raising the row's version by one (optimistic
locking, so nothing is overwritten unseen); evaluations and consent markers
never changed; nothing removed except by an erasure of the case.
"""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models import Case, Consent, Participant
from mentorprogram.choices import ChoiceLabels
from mentorprogram.partners import PartnerService


class LifeArea(models.TextChoices):
    WORK = "work", _("Work and activity")
    EDUCATION = "education", _("Education")
    ECONOMY = "economy", _("Economy")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health")
    NETWORK = "network", _("Network and family")
    LEISURE = "leisure", _("Leisure")
    IDENTITY = "identity", _("Identity and belonging")


class PlanConsent(models.Model):
    """Marks a consent of the case as the participant's consent to an individual plan.

    The consent itself is the case's (``cases.Consent``: who gave it, from
    when to when, which services may share, its withdrawal), so it is
    recorded and withdrawn with the consents that exist. The services it
    names are the services taking part in the plan; «mentor» among them lets
    the assigned mentor read the plan. Never changed.
    """

    consent = models.OneToOneField(Consent, on_delete=models.PROTECT, related_name="plan_consent")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plan_consents")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("consent to an individual plan")
        verbose_name_plural = _("consents to an individual plan")

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


class IndividualPlanQuerySet(models.QuerySet):
    def with_evaluation_due(self):
        """Each plan with ``evaluation_due_on``: the newest evaluation's next date, or the first evaluation's."""
        newest = (
            PlanEvaluation.objects.filter(plan=OuterRef("pk")).order_by("-evaluated_at", "-pk").values("next_due_on")
        )
        return self.annotate(
            evaluation_due_on=Coalesce(Subquery(newest[:1], output_field=models.DateField()), "first_evaluation_on")
        )


class IndividualPlan(ChoiceLabels, models.Model):
    """One plan per participant, across services, with the participant's own words."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plans", verbose_name=_("case"))
    # The case's participant (a trigger keeps them equal): one active plan per participant.
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="plans")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    participant_words = models.TextField(
        _("what matters to me"),
        blank=True,
        help_text=_("The participant's own words: what matters to them, and what they want help with."),
    )
    services = ArrayField(
        models.CharField(max_length=30, choices=PartnerService.choices),
        default=list,
        blank=True,
        verbose_name=_("services taking part"),
    )
    first_evaluation_on = models.DateField(_("first evaluation"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closing_note = models.TextField(_("why the plan is closed"), blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = IndividualPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("individual plan")
        verbose_name_plural = _("individual plans")
        constraints = [
            models.UniqueConstraint(
                fields=["participant"], condition=Q(status="active"), name="one_active_plan_per_participant"
            ),
            models.CheckConstraint(
                condition=Q(status="active", closed_at__isnull=True) | Q(status="closed", closed_at__isnull=False),
                name="plan_closed_has_time",
            ),
        ]
        permissions = [
            # SLT coordinators read every plan (the issue's «SLT coordinators read»).
            ("follow_plans", "Can read every individual plan"),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def service_labels(self) -> list[str]:
        return [PartnerService(code).label for code in self.services if code in PartnerService.values]

    def current_period(self):
        """The open coordinator period (the database keeps exactly one), with its coordinator."""
        return self.coordinator_periods.filter(period__upper_inf=True).select_related("coordinator").first()


class CoordinatorPeriod(models.Model):
    """One coordinator's time as the plan's responsible coordinator: [start, end), end open while it lasts."""

    plan = models.ForeignKey(IndividualPlan, on_delete=models.PROTECT, related_name="coordinator_periods")
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_periods", verbose_name=_("coordinator")
    )
    period = DateTimeRangeField(_("period"))
    handover_note = models.TextField(_("handover note"), blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["period"]
        verbose_name = _("coordinator period")
        verbose_name_plural = _("coordinator periods")
        constraints = [
            ExclusionConstraint(
                name="plan_coordinators_never_overlap",
                expressions=[("plan", RangeOperators.EQUAL), ("period", RangeOperators.OVERLAPS)],
            ),
        ]
        indexes = [models.Index(fields=["coordinator"], name="plan_period_coordinator_idx")]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"

    @property
    def started_at(self):
        return self.period.lower

    @property
    def ended_at(self):
        return self.period.upper


class PlanGoal(ChoiceLabels, models.Model):
    """A goal in one life area, in the participant's words."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        PAUSED = "paused", _("Paused")
        DROPPED = "dropped", _("No longer a goal")

    OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.PAUSED)

    plan = models.ForeignKey(IndividualPlan, on_delete=models.PROTECT, related_name="goals")
    life_area = models.CharField(_("life area"), max_length=20, choices=LifeArea.choices)
    wording = models.TextField(_("the goal, in the participant's words"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    target_date = models.DateField(_("target date"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["life_area", "target_date", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.CheckConstraint(condition=Q(life_area__in=LifeArea.values), name="goal_life_area_known"),
            models.CheckConstraint(
                condition=Q(status__in=["not_started", "in_progress", "achieved", "paused", "dropped"]),
                name="goal_status_known",
            ),
            # A measure's goal and plan agree (a composite foreign key in migration 0002).
            models.UniqueConstraint(fields=["id", "plan"], name="goal_id_plan_unique"),
        ]
        indexes = [models.Index(fields=["plan", "status"], name="goal_plan_status_idx")]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class PlanMeasure(ChoiceLabels, models.Model):
    """What a service does towards a goal, who answers for it, and when."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")
        STOPPED = "stopped", _("Stopped")

    plan = models.ForeignKey(IndividualPlan, on_delete=models.PROTECT, related_name="measures")
    goal = models.ForeignKey(PlanGoal, on_delete=models.PROTECT, related_name="measures", verbose_name=_("goal"))
    description = models.TextField(_("what will be done"))
    service = models.CharField(_("responsible service"), max_length=30, choices=PartnerService.choices)
    responsible_person = models.CharField(_("person responsible"), max_length=200)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="measure_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(service__in=PartnerService.values), name="measure_service_known"),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "ongoing", "completed", "stopped"]), name="measure_status_known"
            ),
        ]
        indexes = [models.Index(fields=["plan"], name="measure_plan_idx")]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


class PlanEvaluation(models.Model):
    """An evaluation of the plan: how it went, what changed, when the next is due. A record, never changed."""

    plan = models.ForeignKey(IndividualPlan, on_delete=models.PROTECT, related_name="evaluations")
    summary = models.TextField(_("how it has gone"))
    changes = models.TextField(_("what changed in the plan"), blank=True)
    next_due_on = models.DateField(_("next evaluation"))
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    evaluated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-evaluated_at", "-pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        indexes = [models.Index(fields=["plan", "-evaluated_at"], name="evaluation_plan_newest_idx")]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


# django-guardian with direct foreign keys: rights vanish with the plan, and a lookup is one index scan.
class IndividualPlanUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(IndividualPlan, on_delete=models.CASCADE)


class IndividualPlanGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(IndividualPlan, on_delete=models.CASCADE)
