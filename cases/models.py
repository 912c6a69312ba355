"""Participants and their cases, and the assignments that give people access to them.

This is the part of the domain that «who may see what» rests on; referrals,
triage, consent and assessments build on it.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not stated")


class Ideology(models.TextChoices):
    ISLAMIST = "islamist", _("Militant Islamism")
    RIGHT_WING = "right_wing", _("Right-wing extremism")
    LEFT_WING = "left_wing", _("Left-wing extremism")
    OTHER = "other", _("Other or mixed")


class Participant(models.Model):
    """The person a referral is about (deltaker)."""

    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    date_of_birth = models.DateField(_("date of birth"))
    national_id = models.CharField(_("national identity number"), max_length=11, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    languages = ArrayField(models.CharField(max_length=60), default=list, blank=True, verbose_name=_("languages"))
    district = models.CharField(_("district"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    guardians = models.TextField(
        _("guardians"), blank=True, help_text=_("Names and contact details of parents or guardians (under 18).")
    )
    # Lower-cased full name for trigram similarity (duplicate search, pg_trgm).
    search_name = models.GeneratedField(
        expression=Lower(Concat(F("first_name"), Value(" "), F("last_name"))),
        output_field=models.CharField(max_length=301),
        db_persist=True,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["national_id"], condition=~Q(national_id=""), name="participant_national_id_unique"
            ),
        ]
        indexes = [
            GinIndex(fields=["search_name"], opclasses=["gin_trgm_ops"], name="participant_name_trgm"),
            models.Index(fields=["date_of_birth"], name="participant_dob_idx"),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class Case(models.Model):
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

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="cases", verbose_name=_("participant")
    )
    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ASSESSMENT)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)

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


class CaseWishes(models.Model):
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


class CaseStatusChange(models.Model):
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


class NetworkMember(models.Model):
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


class Consent(models.Model):
    """Consent to share information between named services; withdrawal takes effect at once.

    A record, never changed (a trigger refuses UPDATE): a withdrawal is a
    fact of its own (``ConsentWithdrawal``), and both are sealed into the
    audit chain.
    """

    class Service(models.TextChoices):
        NAV = "nav", _("NAV")
        CHILD_WELFARE = "child_welfare", _("Child welfare")
        DPS = "dps", _("DPS (mental health)")
        SCHOOL = "school", _("School")
        HEALTH_STATION = "health_station", _("Health station")
        POLICE = "police", _("Police")
        PRISON_PROBATION = "prison_probation", _("Prison and probation")
        MEDIATION = "mediation", _("Mediation service")
        FAMILY_COUNSELLING = "family_counselling", _("Family counselling")
        VOLUNTEER = "volunteer", _("Volunteer organisation")
        MENTOR = "mentor", _("Mentor")

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


class CaseAssignment(models.Model):
    """A mentor or coordinator assigned to a case for a period; the source of their object rights."""

    class Kind(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        COORDINATOR = "coordinator", _("Coordinator")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("case"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_assignments", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("case assignment")
        verbose_name_plural = _("case assignments")
        constraints = [
            # Exactly one responsible coordinator at a time.
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(kind="coordinator", ended_at__isnull=True),
                name="one_active_coordinator_per_case",
            ),
            # The same person is not assigned twice in the same capacity at once.
            models.UniqueConstraint(
                fields=["case", "user", "kind"],
                condition=Q(ended_at__isnull=True),
                name="one_active_assignment_per_user_kind",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="assignment_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def is_active(self):
        return self.ended_at is None


class Referral(models.Model):
    """A tip from a partner service or a family member (bekymringsmelding)."""

    class Source(models.TextChoices):
        SCHOOL = "school", _("School")
        POLICE = "police", _("Police")
        NAV = "nav", _("NAV")
        CHILD_WELFARE = "child_welfare", _("Child welfare")
        REFUGEE_SERVICE = "refugee_service", _("Refugee service")
        HEALTH = "health", _("Health services")
        PRISON_PROBATION = "prison_probation", _("Prison and probation")
        FAMILY = "family", _("Family")
        OTHER = "other", _("Other")

    class Criterion(models.TextChoices):
        FAMILY_RADICALISED = "family_radicalised", _("Close family is radicalised")
        EXTREME_IDEOLOGY = "extreme_ideology", _("Interest in extreme ideologies")
        LOW_ATTACHMENT = "low_attachment", _("Low attachment to work and social structures")
        ACTING_OUT = "acting_out", _("Acting-out behaviour")
        TRAUMA_ISOLATION = "trauma_isolation", _("Trauma and social isolation")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        ACUTE = "acute", _("Acute danger")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_TRIAGE = "in_triage", _("In triage")
        ACCEPTED = "accepted", _("Accepted")
        FORWARDED = "forwarded", _("Forwarded")
        NO_ACTION = "no_action", _("No action")
        DUPLICATE = "duplicate", _("Duplicate")

    OPEN_STATUSES = (Status.RECEIVED, Status.IN_TRIAGE)

    class ParticipantDecision(models.TextChoices):
        EXISTING = "existing", _("Linked to an existing participant")
        NEW = "new", _("Confirmed as a new participant")

    # Who sent it, and about what.
    source = models.CharField(_("source"), max_length=30, choices=Source.choices)
    source_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    referrer_name = models.CharField(_("referrer's name"), max_length=200)
    referrer_phone = models.CharField(_("referrer's phone"), max_length=30, blank=True)
    referrer_email = models.EmailField(_("referrer's email"), blank=True)
    received_on = models.DateField(_("date received"))
    concern = models.TextField(_("the concern"))
    criteria = ArrayField(
        models.CharField(max_length=30, choices=Criterion.choices), default=list, blank=True, verbose_name=_("criteria")
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    # The participant as the referrer described them; a Participant is linked in triage.
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    date_of_birth = models.DateField(_("date of birth"))
    national_id = models.CharField(_("national identity number"), max_length=11, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    languages = ArrayField(models.CharField(max_length=60), default=list, blank=True, verbose_name=_("languages"))
    district = models.CharField(_("district"), max_length=120, blank=True)
    guardians = models.TextField(_("guardians"), blank=True)

    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    submitted_at = models.DateTimeField(_("registered"), default=timezone.now)
    # One per form: a double-clicked submit does not make two referrals.
    submission_key = models.UUIDField(unique=True)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    participant_decision = models.CharField(max_length=10, choices=ParticipantDecision.choices, blank=True)
    participant_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    participant_decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    forwarded_to = models.CharField(_("forwarded to"), max_length=200, blank=True)
    duplicate_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    case = models.ForeignKey("Case", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals")

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        permissions = [
            ("submit_referral", "Can submit referrals"),
            ("triage_referral", "Can triage referrals"),
        ]
        indexes = [
            models.Index(fields=["status", "received_on"], name="referral_queue_idx"),
            models.Index(fields=["urgency", "received_on"], name="referral_urgency_idx"),
            models.Index(fields=["submitted_by", "submitted_at"], name="referral_mine_idx"),
        ]
        constraints = [
            # A decided referral says who decided and when; each outcome carries what it needs.
            models.CheckConstraint(
                condition=Q(status__in=["received", "in_triage"])
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="referral_decision_recorded",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(case__isnull=False, participant__isnull=False),
                name="referral_accepted_has_case",
            ),
            models.CheckConstraint(
                condition=~Q(status="forwarded") | ~Q(forwarded_to=""), name="referral_forwarded_names_service"
            ),
            models.CheckConstraint(
                condition=~Q(status="duplicate") | Q(duplicate_of__isnull=False),
                name="referral_duplicate_names_original",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["forwarded", "no_action"]) | ~Q(decision_reason=""),
                name="referral_decision_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def is_acute(self):
        return self.urgency == self.Urgency.ACUTE

    @property
    def criteria_labels(self):
        labels = dict(self.Criterion.choices)
        return [labels.get(code, code) for code in self.criteria]


class EmergencyAccessQuerySet(models.QuerySet):
    def active(self, at=None):
        """The grants in force at ``at`` (now): opened, not yet expired, not ended early."""
        at = at or timezone.now()
        return self.filter(ended_at__isnull=True, granted_at__lte=at, expires_at__gt=at)


class EmergencyAccess(models.Model):
    """Break-the-glass: read access to one case the user does not hold, for a limited time.

    Opened by an SLT coordinator or coordinator who must act now (an acute
    signal, the mentor unreachable), with a legal basis, a reason and their
    second factor again. The privacy officer is told at once and reviews it.
    The rights it gives (EMERGENCY_ACCESS_GRANTS) last while it is active, and
    are checked at every read (``cases.backends``), so nothing has to revoke
    them. Never changed afterwards but to end it early or record the review.
    """

    class LegalBasis(models.TextChoices):
        DANGER = "danger", _("Danger to life or health (nødrett, straffeloven § 17)")
        DUTY_TO_AVERT = "duty_to_avert", _("Duty to avert (straffeloven § 196)")
        CHILD_WELFARE = "child_welfare", _("Duty to inform child welfare (barnevernsloven § 13-2)")
        CONTINUITY = (
            "continuity",
            _("The participant needs help now and the case's mentor and coordinator cannot be reached"),
        )

    class Review(models.TextChoices):
        JUSTIFIED = "justified", _("Justified")
        NOT_JUSTIFIED = "not_justified", _("Not justified: followed up with the user")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="emergency_accesses", verbose_name=_("case"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_accesses", verbose_name=_("user")
    )
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices)
    reason = models.TextField(_("reason"))
    granted_at = models.DateTimeField(_("opened"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    ended_at = models.DateTimeField(_("ended early"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("reviewed by"),
    )
    review = models.CharField(_("review"), max_length=20, choices=Review.choices, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    objects = EmergencyAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-pk"]
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        permissions = [("review_emergencyaccess", "Can review emergency access to cases")]
        indexes = [models.Index(fields=["user", "case", "expires_at"], name="emergency_access_active_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="emergency_access_has_reason"),
            models.CheckConstraint(condition=Q(expires_at__gt=F("granted_at")), name="emergency_access_expires"),
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True, reviewed_by__isnull=True, review="")
                | (Q(reviewed_at__isnull=False, reviewed_by__isnull=False) & ~Q(review="")),
                name="emergency_access_review_recorded",
            ),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()
        return self.ended_at is None and self.granted_at <= at < self.expires_at


class RetentionRun(models.Model):
    """One round of the retention rules: the closed cases listed for erasure, then erased.

    The scheduled job lists the cases past the retention period, and the
    referrals that never became a case and were decided as long ago (a dry
    run the privacy officer reads), waits ``RETENTION_NOTICE_DAYS``, and then
    erases those still due, unless the privacy officer erased them earlier.
    Holds ids only.
    """

    listed_at = models.DateTimeField(_("listed"), default=timezone.now)
    case_pks = ArrayField(models.BigIntegerField(), verbose_name=_("cases listed"))
    erase_after = models.DateTimeField(_("erased after"))
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("erased by"),
    )
    erased_pks = ArrayField(models.BigIntegerField(), default=list, blank=True, verbose_name=_("cases erased"))
    # Referrals that never became a case (forwarded, no action, duplicate), decided as long ago.
    referral_pks = ArrayField(models.BigIntegerField(), default=list, blank=True, verbose_name=_("referrals listed"))
    erased_referral_pks = ArrayField(
        models.BigIntegerField(), default=list, blank=True, verbose_name=_("referrals erased")
    )

    class Meta:
        ordering = ["-listed_at", "-pk"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        constraints = [
            # At most one list waits at a time.
            models.UniqueConstraint(
                Value(True, output_field=models.BooleanField()),
                condition=Q(erased_at__isnull=True),
                name="one_pending_retention_run",
            ),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


class LegalHold(models.Model):
    """A case kept past the retention period (a complaint, a court case, a request from the police).

    While a hold is in force the case is neither listed nor erased, and the
    database's erasure function refuses it too. The privacy officer places
    and lifts it, each with a reason; a hold is never changed otherwise.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="legal_holds", verbose_name=_("case"))
    reason = models.TextField(_("reason"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("placed by")
    )
    placed_at = models.DateTimeField(_("placed"), default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("lifted by"),
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(lifted_at__isnull=True), name="one_hold_per_case"),
            models.CheckConstraint(condition=~Q(reason=""), name="legal_hold_has_reason"),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True, lift_reason="")
                | (Q(lifted_at__isnull=False, lifted_by__isnull=False) & ~Q(lift_reason="")),
                name="legal_hold_lift_recorded",
            ),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


# django-guardian with direct foreign keys: fast, and the rights vanish with the row.
class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
