"""The mentor register: who the mentors are, what they may do, and how much room they have.

Ethnic and religious background are optional and self-declared, and are shown
only to those who match (SLT coordinators and the case's coordinator).
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Gender, Ideology, Participant
from mentorprogram.choices import ChoiceLabels


class AgeGroup(models.TextChoices):
    YOUTH = "13-17", _("13–17 years")
    YOUNG_ADULT = "18-23", _("18–23 years")
    ADULT = "24+", _("24 years and older")


class Mentor(ChoiceLabels, models.Model):
    class Employment(models.TextChoices):
        MUNICIPAL = "municipal", _("Municipal employee with freed hours")
        BANK = "bank", _("Mentor bank contract")
        DEDICATED = "dedicated", _("Dedicated position")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentor_profile")
    is_active = models.BooleanField(_("active"), default=True)
    employment = models.CharField(_("employment"), max_length=20, choices=Employment.choices)
    home_service = models.CharField(_("home service"), max_length=200, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"))
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    languages = ArrayField(models.CharField(max_length=60), default=list, blank=True, verbose_name=_("languages"))
    # Optional and self-declared; visible only to those who match.
    ethnic_background = models.CharField(_("ethnic background"), max_length=200, blank=True)
    religious_background = models.CharField(_("religious background"), max_length=200, blank=True)
    interests = ArrayField(models.CharField(max_length=60), default=list, blank=True, verbose_name=_("interests"))
    district = models.CharField(_("district"), max_length=120, blank=True)
    tracks = ArrayField(
        models.CharField(max_length=20, choices=Case.Track.choices),
        default=list,
        blank=True,
        verbose_name=_("experience with tracks"),
    )
    ideologies = ArrayField(
        models.CharField(max_length=20, choices=Ideology.choices),
        default=list,
        blank=True,
        verbose_name=_("experience with ideologies"),
    )
    age_groups = ArrayField(
        models.CharField(max_length=10, choices=AgeGroup.choices),
        default=list,
        blank=True,
        verbose_name=_("experience with age groups"),
    )
    max_participants = models.PositiveSmallIntegerField(_("participants at most"), default=2)
    hours_per_week = models.PositiveSmallIntegerField(_("hours a week"), default=4)
    created_at = models.DateTimeField(default=timezone.now)
    # Bumped on every save: part of the matching pool's cache key (mentors.selectors).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        permissions = [("view_mentor_pool", "Can see the mentor pool and match")]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__gte=1900, birth_year__lte=2100), name="mentor_birth_year_plausible"
            ),
        ]

    def __str__(self):
        return str(self.user)


class Qualification(ChoiceLabels, models.Model):
    """A dated qualification; its state (valid, expiring, expired, missing) is computed, never stored."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("RVTS mentor training")
        POLICE_CERTIFICATE = "police_certificate", _("Police certificate")
        CONFIDENTIALITY = "confidentiality", _("Confidentiality declaration")
        SAFETY_TALK = "safety_talk", _("Safety talk with the police")

    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="qualifications")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    completed_on = models.DateField(_("date"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "-completed_on", "-pk"]
        indexes = [models.Index(fields=["mentor", "kind", "-completed_on"], name="qualification_newest_idx")]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("completed_on")),
                name="qualification_valid_after_date",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk}"


class PersonalTie(models.Model):
    """The mentor knows the participant personally: never suggested for them."""

    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="ties")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="mentor_ties")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("personal tie")
        verbose_name_plural = _("personal ties")
        constraints = [models.UniqueConstraint(fields=["mentor", "participant"], name="one_tie_per_mentor_participant")]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


class Attendance(ChoiceLabels, models.Model):
    """Supervision (veiledning) or a mentor-network meeting the mentor attended."""

    class Kind(models.TextChoices):
        SUPERVISION = "supervision", _("Supervision")
        NETWORK_MEETING = "network_meeting", _("Mentor-network meeting")

    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="attendances")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")

    def __str__(self):
        return f"{self.get_kind_display()} {self.date}"


class MatchingWeights(models.Model):
    """The soft factors' weights (0–10), set by an SLT coordinator. The newest row counts; older ones are history."""

    FACTORS = (
        "language",
        "interests",
        "gender",
        "background",
        "age_over_25",
        "age_closeness",
        "district",
        "experience",
        "workload",
    )
    language = models.PositiveSmallIntegerField(_("preferred language"), default=8)
    interests = models.PositiveSmallIntegerField(_("shared interests"), default=6)
    gender = models.PositiveSmallIntegerField(_("gender wish"), default=7)
    background = models.PositiveSmallIntegerField(_("background (only where wanted)"), default=5)
    age_over_25 = models.PositiveSmallIntegerField(_("mentor over 25"), default=4)
    age_closeness = models.PositiveSmallIntegerField(_("closeness in age"), default=3)
    district = models.PositiveSmallIntegerField(_("same district"), default=3)
    experience = models.PositiveSmallIntegerField(_("experience with track and ideology"), default=6)
    workload = models.PositiveSmallIntegerField(_("workload balance"), default=4)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-set_at", "-pk"]
        verbose_name = _("matching weights")
        verbose_name_plural = _("matching weights")
        constraints = [
            models.CheckConstraint(condition=Q(**{f"{name}__lte": 10}), name=f"weight_{name}_at_most_10")
            for name in (
                "language",
                "interests",
                "gender",
                "background",
                "age_over_25",
                "age_closeness",
                "district",
                "experience",
                "workload",
            )
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.set_at:%Y-%m-%d}"

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.FACTORS}
