"""Referrals (bekymringsmeldinger) and their triage."""

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.people import Gender, Participant
from mentorprogram.choices import ChoiceLabels
from mentorprogram.partners import partner_choices


class Referral(ChoiceLabels, models.Model):
    """A tip from a partner service or a family member (bekymringsmelding)."""

    # The partner services a referral comes from (mentorprogram.partners), and the family.
    Source = partner_choices(
        "Source",
        ("school", "police", "nav", "child_welfare", "refugee_service", "health", "prison_probation"),
        FAMILY=("family", _("Family")),
        OTHER=("other", _("Other")),
    )

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
            # The triage queue's order over the open referrals alone (OPEN_STATUSES): the index above walks past
            # every decided one (README «National scale»).
            models.Index(
                fields=["urgency", "received_on", "id"],
                condition=Q(status__in=["received", "in_triage"]),
                name="referral_open_queue_idx",
            ),
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
    def reference(self) -> str:
        """The reference on the sender's receipt and notice: «BM-2026-000123» (year sent, number). No personal data."""
        return f"BM-{timezone.localtime(self.submitted_at):%Y}-{self.pk:06d}"

    @property
    def answer_due_on(self):
        """By when the sender can expect to hear its status: received plus the triage deadline (REFERRAL_TRIAGE_DAYS)."""
        return timezone.localtime(self.submitted_at).date() + datetime.timedelta(days=settings.REFERRAL_TRIAGE_DAYS)

    @property
    def is_acute(self):
        return self.urgency == self.Urgency.ACUTE

    @property
    def criteria_labels(self):
        labels = dict(self.Criterion.choices)
        return [labels.get(code, code) for code in self.criteria]
