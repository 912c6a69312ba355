"""A case (mentorløp) and what it gathers: wishes, status changes, assessments, the network, consents."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.people import Ideology, Participant
from mentorprogram.choices import ChoiceLabels
from mentorprogram.partners import PartnerService


class CaseQuerySet(models.QuerySet):
    def _waiting_parts(self):
        """``waiting_for_mentor``'s two kinds: in matching, and assessed while still in assessment; neither with a
        mentor now."""
        from cases.models.assignments import CaseAssignment

        has_mentor = CaseAssignment.objects.filter(
            case=models.OuterRef("pk"), kind=CaseAssignment.Kind.MENTOR, ended_at__isnull=True
        )
        assessed = Assessment.objects.filter(case=models.OuterRef("pk"))
        return (
            self.filter(~models.Exists(has_mentor), status=Case.Status.MATCHING),
            self.filter(models.Exists(assessed), ~models.Exists(has_mentor), status=Case.Status.ASSESSMENT),
        )

    def waiting_for_mentor(self):
        """Open cases with no mentor yet that are ready for one: in matching, or assessed and still in assessment."""
        matching, assessed = self._waiting_parts()
        return matching | assessed

    def waiting_for_mentor_count(self) -> int:
        """How many ``waiting_for_mentor`` holds, each kind counted by itself: with the two OR'd, PostgreSQL hashed
        every assessment there is (30–40 ms on the generated national data; the SLT's start page asks it)."""
        matching, assessed = self._waiting_parts()
        return matching.values("pk").union(assessed.values("pk"), all=True).count()


class Case(ChoiceLabels, models.Model):
    """The programme's work with one participant (mentorløp)."""

    class Track(models.TextChoices):
        PREVENTION = "prevention", _("Prevention")
        EXIT = "exit", _("Exit")

    class Status(models.TextChoices):
        ASSESSMENT = "assessment", _("Assessment")
        MATCHING = "matching", _("Matching")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        CLOSING = "closing", _("Closing")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        COMPLETED = "completed", _("Completed as planned")
        DECLINED = "declined", _("The participant declined to go on")
        MOVED = "moved", _("Moved away")
        TRANSFERRED = "transferred", _("Transferred to another service")
        OTHER = "other", _("Other")

    # The workflow of DESIGN.md: which status may follow which. The database
    # holds the same table in a trigger (migration cases 0004; a test keeps them equal).
    TRANSITIONS = {
        Status.ASSESSMENT: {Status.MATCHING, Status.CLOSING},
        Status.MATCHING: {Status.ACTIVE, Status.ASSESSMENT, Status.CLOSING},
        Status.ACTIVE: {Status.PAUSED, Status.CLOSING},
        Status.PAUSED: {Status.ACTIVE, Status.CLOSING},
        Status.CLOSING: {Status.CLOSED, Status.ACTIVE},
        Status.CLOSED: set(),
    }
    # Where a case goes when it gets its mentor: from assessment or matching to active, through matching, each
    # step recorded. A case already active, paused or closing keeps its status (the mentor replaces another).
    MENTOR_ASSIGNED_PATH = {
        Status.ASSESSMENT: (Status.MATCHING, Status.ACTIVE),
        Status.MATCHING: (Status.ACTIVE,),
    }

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="cases", verbose_name=_("participant")
    )
    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ASSESSMENT)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            # One open case per participant: a new referral joins it.
            models.UniqueConstraint(
                fields=["participant"], condition=~Q(status="closed"), name="one_open_case_per_participant"
            ),
            # Closed means closed with an outcome, and only then.
            models.CheckConstraint(
                condition=(Q(status="closed", closed_at__isnull=False) & ~Q(outcome=""))
                | (~Q(status="closed") & Q(closed_at__isnull=True, outcome="")),
                name="case_closed_has_outcome",
            ),
        ]
        indexes = [models.Index(fields=["status", "opened_at"], name="case_status_idx")]
        permissions = [
            ("list_assigned_cases", "Can list the cases assigned to them"),
            ("assign_case", "Can assign mentors and coordinators to a case"),
            # Object rights only, from assignments (cases.services.ASSIGNMENT_GRANTS).
            ("log_session", "Can log mentor sessions on the case"),
            ("view_sessions", "Can read the case's mentor sessions"),
            ("open_emergency_access", "Can open time-limited emergency access to a case they do not hold"),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"

    def status_once_mentored(self) -> str:
        """The status the case will have once a mentor is assigned (the confirmation page says it)."""
        return (self.MENTOR_ASSIGNED_PATH.get(self.status) or (self.status,))[-1]


class CaseWishes(ChoiceLabels, models.Model):
    """The participant's wishes for a mentor, on the case (used by matching)."""

    class GenderWish(models.TextChoices):
        NONE = "", _("No wish")
        FEMALE = "female", _("A woman")
        MALE = "male", _("A man")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="wishes")
    preferred_language = models.CharField(_("preferred language"), max_length=60, blank=True)
    gender_wish = models.CharField(_("gender wish"), max_length=10, choices=GenderWish.choices, blank=True)
    background_match_wanted = models.BooleanField(_("wants a mentor with a similar background"), default=False)
    background = models.CharField(
        _("background to match"),
        max_length=200,
        blank=True,
        help_text=_("Only used when the participant wants a background match."),
    )
    ideology = models.CharField(_("milieu or ideology concerned"), max_length=20, choices=Ideology.choices, blank=True)
    interests = ArrayField(models.CharField(max_length=60), default=list, blank=True, verbose_name=_("interests"))
    district = models.CharField(_("district"), max_length=120, blank=True)
    practical_constraints = models.TextField(_("practical constraints (times, places)"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("participant's wishes")
        verbose_name_plural = _("participants' wishes")

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


class CaseStatusChange(ChoiceLabels, models.Model):
    """One step in a case's workflow, for the timeline."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Case.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Case.Status.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


class Assessment(models.Model):
    """A risk and needs assessment (kartlegging); a new one is added as the picture changes."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    risk_factors = models.TextField(_("risk factors"))
    protective_factors = models.TextField(_("protective factors"))
    push_factors = models.TextField(
        _("push factors"), blank=True, help_text=_("What pushes the person towards the milieu (or away from society).")
    )
    pull_factors = models.TextField(
        _("pull factors"), blank=True, help_text=_("What draws the person towards the milieu.")
    )
    summary = models.TextField(_("summary"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


class NetworkMember(ChoiceLabels, models.Model):
    """A person or service around the participant, and whether they support the work (nettverkskart)."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        SERVICE = "service", _("Service")

    class Stance(models.TextChoices):
        SUPPORTIVE = "supportive", _("Supportive")
        NEUTRAL = "neutral", _("Neutral")
        NOT_SUPPORTIVE = "not_supportive", _("Not supportive")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="network")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation or role"), max_length=200, blank=True)
    stance = models.CharField(_("stance"), max_length=20, choices=Stance.choices)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name", "pk"]
        verbose_name = _("network member")
        verbose_name_plural = _("network members")

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


class ConsentQuerySet(models.QuerySet):
    def in_force(self, on=None):
        """Consents that hold on ``on`` (today): not withdrawn, and within their dates (``Consent.is_active``)."""
        on = on or timezone.localdate()
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), withdrawal__isnull=True, valid_from__lte=on)


class Consent(ChoiceLabels, models.Model):
    """Consent to share information between named services; withdrawal takes effect at once.

    A record, never changed (a trigger refuses UPDATE): a withdrawal is a
    fact of its own (``ConsentWithdrawal``), and both are sealed into the
    audit chain.
    """

    # The one list of partner services (mentorprogram.partners).
    Service = PartnerService

    class GivenBy(models.TextChoices):
        PARTICIPANT = "participant", _("The participant")
        GUARDIAN = "guardian", _("A guardian")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consents")
    services = ArrayField(
        models.CharField(max_length=30, choices=Service.choices), verbose_name=_("services that may share")
    )
    given_by = models.CharField(_("given by"), max_length=20, choices=GivenBy.choices)
    guardian_name = models.CharField(_("guardian's name"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")), name="consent_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(given_by="guardian") | ~Q(guardian_name=""), name="consent_guardian_named"
            ),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"

    @property
    def withdrawn_at(self):
        withdrawal = getattr(self, "withdrawal", None)
        return withdrawal.withdrawn_at if withdrawal else None

    @property
    def withdrawn_by(self):
        withdrawal = getattr(self, "withdrawal", None)
        return withdrawal.withdrawn_by if withdrawal else None

    def is_active(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.withdrawn_at is None and self.valid_from <= on and (self.valid_to is None or self.valid_to >= on)

    @property
    def service_labels(self):
        labels = dict(self.Service.choices)
        return [labels.get(code, code) for code in self.services]


class ConsentWithdrawal(models.Model):
    """The participant (or guardian) withdrew a consent: from this moment it no longer holds. Never changed."""

    consent = models.OneToOneField(
        Consent, on_delete=models.PROTECT, related_name="withdrawal", verbose_name=_("consent")
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), default=timezone.now)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("consent withdrawal")
        verbose_name_plural = _("consent withdrawals")

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"
