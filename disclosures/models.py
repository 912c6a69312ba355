"""The register of disclosures (unntak fra taushetsplikt).

Information leaves a case only by consent, the duty to avert serious crime
(straffeloven § 196), the duty to inform child welfare (barnevernsloven
§ 13-2) or health personnel's duty (helsepersonelloven § 33). Each time it
does, a ``Disclosure`` records for good who decided, on what basis, what was
shared, with whom, and whether the participant was told.

A disclosure is never edited or deleted (triggers in this app's migrations);
a correction is a new record that points at the one it corrects. The rows are
sealed into the audit trail's hash chain like the trail itself.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentorprogram.choices import ChoiceLabels
from mentorprogram.partners import partner_choices


class Disclosure(ChoiceLabels, models.Model):
    class LegalBasis(models.TextChoices):
        DUTY_TO_AVERT = "duty_to_avert", _("Duty to avert (straffeloven § 196)")
        CHILD_WELFARE = "child_welfare", _("Duty to inform child welfare (barnevernsloven § 13-2)")
        HEALTH_PERSONNEL = "health_personnel", _("Health personnel's duty to inform (helsepersonelloven § 33)")
        CONSENT = "consent", _("Consent")
        OTHER = "other", _("Other legal basis")

    # The partner services a disclosure goes to (mentorprogram.partners).
    RecipientKind = partner_choices(
        "RecipientKind",
        ("police", "child_welfare", "health", "nav", "school", "prison_probation"),
        OTHER=("other", _("Other")),
    )

    class Consulted(models.TextChoices):
        LEADER = "leader", _("Leader")
        LEGAL = "legal", _("Legal adviser")
        SLT = "slt", _("SLT coordinator")
        POLICE_LIAISON = "police_liaison", _("Police radicalisation contact")

    class Informed(models.TextChoices):
        YES = "yes", _("Yes, the participant was told")
        LATER = "later", _("Not yet: the participant will be told later")
        NO = "no", _("No, the participant will not be told")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("case"))
    legal_basis = models.CharField(_("legal basis"), max_length=30, choices=LegalBasis.choices)
    legal_basis_other = models.CharField(
        _("other legal basis"),
        max_length=200,
        blank=True,
        help_text=_("Name the provision, when the basis is «other»."),
    )
    recipient_kind = models.CharField(_("kind of recipient"), max_length=30, choices=RecipientKind.choices)
    recipient = models.CharField(
        _("recipient"), max_length=200, help_text=_("The service or office, and the person if known.")
    )
    shared = models.TextField(_("what was shared"))
    justification = models.TextField(_("justification"), help_text=_("Why the exception applied here."))
    disclosed_on = models.DateField(_("shared on"))
    decided_by = models.CharField(
        _("decided by"), max_length=200, help_text=_("Name and role of the person who made the decision.")
    )
    consulted = ArrayField(
        models.CharField(max_length=30, choices=Consulted.choices),
        default=list,
        blank=True,
        verbose_name=_("consulted"),
    )
    participant_informed = models.CharField(_("was the participant told?"), max_length=10, choices=Informed.choices)
    informed_on = models.DateField(_("told on"), null=True, blank=True)
    not_informed_reason = models.TextField(_("why not (yet)"), blank=True)
    # A correction is a new record; the one it corrects stays as it was.
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
        verbose_name=_("corrects"),
    )
    correction_reason = models.TextField(_("what is corrected, and why"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, db_index=True)
    # A record can never be removed, so a double submit must not make two.
    submission_key = models.UUIDField(unique=True, editable=False)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        indexes = [models.Index(fields=["case", "recorded_at"], name="disclosure_case_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(legal_basis="other") | ~Q(legal_basis_other=""), name="disclosure_other_basis_named"
            ),
            models.CheckConstraint(
                condition=Q(participant_informed="yes", informed_on__isnull=False)
                | (~Q(participant_informed="yes") & Q(informed_on__isnull=True) & ~Q(not_informed_reason="")),
                name="disclosure_informed_or_why_not",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True, correction_reason="")
                | (Q(corrects__isnull=False) & ~Q(correction_reason="")),
                name="disclosure_correction_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(shared="") & ~Q(justification="") & ~Q(recipient="") & ~Q(decided_by=""),
                name="disclosure_is_complete",
            ),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"

    @property
    def legal_basis_label(self) -> str:
        if self.legal_basis == self.LegalBasis.OTHER:
            return f"{self.get_legal_basis_display()}: {self.legal_basis_other}"
        return self.get_legal_basis_display()

    @property
    def consulted_labels(self) -> list[str]:
        labels = dict(self.Consulted.choices)
        return [str(labels.get(code, code)) for code in self.consulted]
