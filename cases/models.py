"""Participants and their cases, and the assignments that give people access to them.

This is the part of the domain that «who may see what» rests on; referrals,
triage, consent and assessments build on it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class Participant(models.Model):
    """The person a referral is about (deltaker)."""

    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    date_of_birth = models.DateField(_("date of birth"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

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

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="cases", verbose_name=_("participant")
    )
    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ASSESSMENT)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        permissions = [
            ("list_assigned_cases", "Can list the cases assigned to them"),
            ("assign_case", "Can assign mentors and coordinators to a case"),
        ]

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


# django-guardian with direct foreign keys: fast, and the rights vanish with the row.
class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
