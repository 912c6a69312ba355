"""Notifications to users, and the outbox that carries background work to Celery.

A service that wants to tell someone something, or to have work done in the
background, writes an ``OutboxItem`` in its own transaction. The relay (in
every worker, see ``notifications.relay``) hands pending items to Celery; the
task runs the item's handler once and marks it done. Nothing is lost when
Redis is away: the row waits in PostgreSQL.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentorprogram.choices import ChoiceLabels


class Notification(ChoiceLabels, models.Model):
    """One thing a user is told about, in the notification centre (and by email if they chose so)."""

    class Kind(models.TextChoices):
        ASSIGNED_TO_CASE = "assigned_to_case", _("You were assigned to a case")
        ASSIGNMENT_ENDED = "assignment_ended", _("An assignment of yours ended")
        CASE_WAITING_FOR_MENTOR = "case_waiting_for_mentor", _("A case is waiting for a mentor")
        REFERRAL_RECEIVED = "referral_received", _("A new referral")
        REFERRAL_ACUTE = "referral_acute", _("An acute referral")
        REFERRAL_UNTRIAGED = "referral_untriaged", _("A referral waits for triage")
        REFERRAL_DECIDED = "referral_decided", _("Your referral was decided")
        REFERRAL_RECEIPT = "referral_receipt", _("Your referral was received")
        CONSENT_EXPIRING = "consent_expiring", _("A consent is about to expire")
        QUALIFICATION_EXPIRING = "qualification_expiring", _("A mentor qualification is about to expire")
        CONCERN_SIGNAL = "concern_signal", _("A mentor raised a concern")
        CONCERN_ESCALATED = "concern_escalated", _("A concern signal is unanswered")
        CONCERN_ACKNOWLEDGED = "concern_acknowledged", _("Your concern signal was acknowledged")
        CASE_WITHOUT_SESSION = "case_without_session", _("No session logged for weeks")
        DISCLOSURE_RECORDED = "disclosure_recorded", _("A disclosure was recorded in your case")
        EMERGENCY_ACCESS = "emergency_access", _("Emergency access to a case")
        RETENTION_DUE = "retention_due", _("Closed cases are due for erasure")
        SECOND_FACTOR_RESET = "second_factor_reset", _("Your second factor was reset")
        PASSWORD_CHANGED = "password_changed", _("Your password was changed")
        ROLE_GRANT_REQUESTED = "role_grant_requested", _("A role waits for approval")
        ROLE_GRANT_DECIDED = "role_grant_decided", _("A role you asked for was decided")
        ROLE_GRANTED = "role_granted", _("A role that reaches personal data was granted")
        SECOND_FACTOR_RESET_BY_ADMIN = "second_factor_reset_by_admin", _("A user's second factor was reset")
        EMAIL_CHANGED_BY_ADMIN = "email_changed_by_admin", _("A user's email address was changed")
        IDENTITY_LINKED = "identity_linked", _("A sign-in identity was linked to your account")
        IDENTITY_LINKED_BY_ADMIN = "identity_linked_by_admin", _("A sign-in identity was linked to a user's account")
        PLAN_HANDED_TO_YOU = "plan_handed_to_you", _("An individual plan was handed over to you")
        PLAN_HANDED_AWAY = "plan_handed_away", _("An individual plan you coordinated was handed over")
        PLAN_EVALUATION_DUE = "plan_evaluation_due", _("A plan evaluation is due")
        PLAN_GOAL_OVERDUE = "plan_goal_overdue", _("A plan goal is past its target date")
        PLAN_CONSENT_WITHDRAWN = "plan_consent_withdrawn", _("The consent to an individual plan was withdrawn")
        STEERING_REPORT_READY = "steering_report_ready", _("A steering report is ready to publish")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    # Ids and codes for the text (rendered in the reader's language, see
    # notifications.texts); never more than the reader may see.
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # The same event never notifies the same person twice (a task may run twice).
    dedup_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedup_key"], name="notification_once_per_recipient")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk}"


class NotificationPreference(models.Model):
    """Which kinds a user also wants by email (all kinds are always in the notification centre)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notification_preference"
    )
    email_kinds = ArrayField(models.CharField(max_length=40), default=list, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"{self._meta.verbose_name} {self.user_id}"


class OutboxItem(ChoiceLabels, models.Model):
    """A unit of background work, written in the same transaction as the change that wants it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DISPATCHED = "dispatched", _("Handed to a worker")
        DONE = "done", _("Done")
        CLOSED = "closed", _("Closed with a reason")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=60)
    # Ids and codes only.
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    available_at = models.DateTimeField(_("due"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outbox item")
        verbose_name_plural = _("outbox items")
        indexes = [
            models.Index(fields=["available_at"], name="outbox_pending_idx", condition=Q(status="pending")),
            models.Index(fields=["dispatched_at"], name="outbox_dispatched_idx", condition=Q(status="dispatched")),
        ]

    def __str__(self):
        return f"{self.kind} {self.pk}"


class ScheduleRun(models.Model):
    """One run of a scheduled job for one day: the unique key makes a second run that day a no-op."""

    name = models.CharField(max_length=60)
    day = models.DateField()
    started_at = models.DateTimeField(default=timezone.now)
    notifications = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="schedule_run_once_a_day")]

    def __str__(self):
        return f"{self.name} {self.day}"
