"""Retention: the runs that list and erase closed cases, and the legal holds that keep a case."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case


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
