"""Assignments to a case, and the object rights they give (django-guardian, direct foreign keys)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models.case import Case
from mentorprogram.choices import ChoiceLabels


class CaseAssignment(ChoiceLabels, models.Model):
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
        indexes = [
            # The cases that have a mentor now: walked whole by «waiting for a mentor» (the SLT's start page and
            # case list), a third of the size of the index above (README «National scale»).
            models.Index(
                fields=["case"], condition=Q(kind="mentor", ended_at__isnull=True), name="active_mentor_case_idx"
            ),
            # A person's assignments now, by kind: «the cases I mentor» inside the plans a user may read. Without
            # it PostgreSQL read every consent in force to find a coordinator's none (the case list's query
            # 45 -> 5 ms on the generated national data).
            models.Index(
                fields=["user", "kind"], condition=Q(ended_at__isnull=True), name="active_assignment_user_idx"
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
