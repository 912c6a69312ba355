"""Participants: the people a referral or a case is about."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentorprogram.choices import ChoiceLabels


def age_on(date_of_birth, day) -> int:
    """Whole years of age on ``day`` for someone born on ``date_of_birth``."""
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


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


class Participant(ChoiceLabels, models.Model):
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
