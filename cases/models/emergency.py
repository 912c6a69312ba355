"""Emergency access (break-the-glass) to a case the user does not hold."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from mentorprogram.choices import ChoiceLabels


class EmergencyAccessQuerySet(models.QuerySet):
    def active(self, at=None):
        """The grants in force at ``at`` (now): opened, not yet expired, not ended early."""
        at = at or timezone.now()
        return self.filter(ended_at__isnull=True, granted_at__lte=at, expires_at__gt=at)


class EmergencyAccess(ChoiceLabels, models.Model):
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
