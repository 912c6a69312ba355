"""Mentor sessions: what a mentor logs after a meeting, call or activity, and the concern signals it raises.

A session is never deleted. Its author may correct it for 24 hours
(``MentorSession.EDIT_WINDOW``) after recording it; after that only addenda are written, each dated and
attributed, and a session logged by mistake is voided with a reason. Database
triggers (migration 0002) hold those rules even against code that forgets them.
"""

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentorprogram.choices import ChoiceLabels


class MentorSession(ChoiceLabels, models.Model):
    # The author's corrections end this long after recording; then only addenda.
    # Migration 0002's trigger holds the same limit: change both together.
    EDIT_WINDOW = datetime.timedelta(hours=24)

    class Mode(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        PHONE = "phone", _("Phone call")
        DIGITAL = "digital", _("Digital (video or chat)")
        ACTIVITY = "activity", _("Activity")

    class Topic(models.TextChoices):
        SCHOOL_WORK = "school_work", _("School or work")
        FAMILY = "family", _("Family")
        FRIENDS = "friends", _("Friends and network")
        LEISURE = "leisure", _("Leisure")
        HEALTH = "health", _("Health and well-being")
        IDEOLOGY = "ideology", _("Ideology and world view")
        IDENTITY = "identity", _("Identity and belonging")
        ONLINE = "online", _("Life online")
        LAW = "law", _("Police, law and consequences")
        HOUSING_ECONOMY = "housing_economy", _("Housing and money")
        OTHER = "other", _("Other")

    class Progress(models.TextChoices):
        CLEAR = "clear", _("Clear progress")
        SOME = "some", _("Some progress")
        UNCHANGED = "unchanged", _("No change")
        SETBACK = "setback", _("Setback")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="sessions", verbose_name=_("case"))
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("mentor")
    )
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    mode = models.CharField(_("form"), max_length=20, choices=Mode.choices, default=Mode.MEETING)
    topics = ArrayField(
        models.CharField(max_length=30, choices=Topic.choices), default=list, blank=True, verbose_name=_("topics")
    )
    notes = models.TextField(_("notes"), blank=True)
    progress = models.CharField(_("progress"), max_length=20, choices=Progress.choices)
    next_step = models.CharField(_("agreed next step"), max_length=500, blank=True)
    next_meeting_on = models.DateField(_("next meeting"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    updated_at = models.DateTimeField(_("last corrected"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voided by"),
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    # The same form submitted twice (a double tap, a resent request) logs one session.
    submission_key = models.UUIDField(unique=True, editable=False)

    class Meta:
        verbose_name = _("mentor session")
        verbose_name_plural = _("mentor sessions")
        ordering = ["-held_on", "-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=24 * 60),
                name="session_duration_within_a_day",
            ),
            # Voided means voided by someone, with a reason; and only then.
            models.CheckConstraint(
                condition=(Q(voided_at__isnull=True, voided_by__isnull=True) & Q(void_reason=""))
                | (Q(voided_at__isnull=False, voided_by__isnull=False) & ~Q(void_reason="")),
                name="session_void_has_who_and_why",
            ),
            # What a concern signal's (session, case) refers to: its case is its session's (migration 0006).
            models.UniqueConstraint(fields=["id", "case"], name="session_with_its_case"),
        ]
        indexes = [
            # A case's sessions newest first, and a coordinator's newest across their cases: read from the index
            # alone, then the page's rows (mentorsessions.selectors.coordinator_overview).
            models.Index(fields=["case", "-held_on", "-recorded_at", "-id"], name="session_case_newest_idx"),
            # A mentor's sessions newest first; with the minutes and the voiding in the index, the mentor bank's
            # hours in use per mentor (mentorsessions.selectors.minutes_per_mentor) are read from the index alone.
            models.Index(
                fields=["mentor", "-held_on"],
                include=["duration_minutes", "voided_at"],
                name="session_mentor_minutes_idx",
            ),
            # The newest sessions across a coordinator's cases: walked backwards, filtered by case.
            models.Index(fields=["-held_on", "-recorded_at", "-id"], name="session_newest_idx"),
            # The sealer finds sessions whose edit window has closed, and voids, by time (audit.chain).
            models.Index(fields=["recorded_at"], name="session_recorded_idx"),
            models.Index(fields=["voided_at"], condition=Q(voided_at__isnull=False), name="session_voided_idx"),
        ]
        permissions = [
            ("log_sessions", "Can log sessions on the cases they are assigned to as mentor"),
            ("follow_sessions", "Can follow sessions and concern signals on the cases they coordinate"),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    def topic_labels(self) -> list[str]:
        labels = dict(self.Topic.choices)
        return [str(labels.get(code, code)) for code in self.topics]


class SessionAddendum(models.Model):
    """A correction or addition to a session after its edit window: dated, attributed, never changed."""

    session = models.ForeignKey(
        MentorSession, on_delete=models.PROTECT, related_name="addenda", verbose_name=_("session")
    )
    text = models.TextField(_("addendum"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    written_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")
        ordering = ["written_at", "pk"]
        indexes = [models.Index(fields=["written_at"], name="addendum_written_idx")]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


class ConcernSignal(ChoiceLabels, models.Model):
    """A concern a mentor raised in a session: the case's coordinator is told at once and must acknowledge it."""

    class Level(models.TextChoices):
        WORRY = "worry", _("Worry")
        SERIOUS = "serious", _("Serious concern")
        ACUTE = "acute", _("Acute danger")

    session = models.OneToOneField(
        MentorSession, on_delete=models.PROTECT, related_name="concern", verbose_name=_("session")
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="concerns", verbose_name=_("case"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    description = models.TextField(_("what worries you"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    # Unanswered past the level's limit (CONCERN_ESCALATION_HOURS): the SLT coordinators were told.
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledgement = models.TextField(_("coordinator's note"), blank=True)

    class Meta:
        verbose_name = _("concern signal")
        verbose_name_plural = _("concern signals")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True) & Q(acknowledgement=""))
                | (Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False) & ~Q(acknowledgement="")),
                name="concern_acknowledged_with_a_note",
            ),
            # And in the database, not in a model: the signal's case is its session's (a foreign key on the two
            # columns, migration 0006), so the case page reads the signals along with the sessions.
        ]
        indexes = [
            models.Index(fields=["raised_at"], condition=Q(acknowledged_at__isnull=True), name="concern_open_idx"),
            models.Index(fields=["case", "-raised_at"], name="concern_case_idx"),
            models.Index(fields=["raised_at"], name="concern_raised_idx"),
            models.Index(
                fields=["acknowledged_at"],
                condition=Q(acknowledged_at__isnull=False),
                name="concern_acknowledged_idx",
            ),
            models.Index(
                fields=["escalated_at"], condition=Q(escalated_at__isnull=False), name="concern_escalated_idx"
            ),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None


class MentorSessionDraft(models.Model):
    """What a mentor has typed into a new session and not yet saved, one per mentor and case.

    Saved as they type, so a lost connection, a reload or a closed tab loses
    nothing; deleted when the session is saved.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+", verbose_name=_("case"))
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("mentor")
    )
    data = models.JSONField(default=dict)
    saved_at = models.DateTimeField(_("saved"), default=timezone.now)

    class Meta:
        verbose_name = _("session draft")
        verbose_name_plural = _("session drafts")
        constraints = [models.UniqueConstraint(fields=["case", "mentor"], name="one_session_draft_per_case_and_mentor")]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"
