"""The partner services: one list for the whole system.

Consents name the services that may share, a plan's measures name the
service responsible, referrals come from a service and disclosures go to
one. Each of those takes its choices from here (``partner_choices``), so a
service is spelt and translated the same way everywhere.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerService(models.TextChoices):
    NAV = "nav", _("NAV")
    CHILD_WELFARE = "child_welfare", _("Child welfare")
    SCHOOL = "school", _("School")
    POLICE = "police", _("Police")
    HEALTH = "health", _("Health services")
    DPS = "dps", _("DPS (mental health)")
    HEALTH_STATION = "health_station", _("Health station")
    REFUGEE_SERVICE = "refugee_service", _("Refugee service")
    PRISON_PROBATION = "prison_probation", _("Prison and probation")
    MEDIATION = "mediation", _("Mediation service")
    FAMILY_COUNSELLING = "family_counselling", _("Family counselling")
    VOLUNTEER = "volunteer", _("Volunteer organisation")
    MENTOR = "mentor", _("Mentor")


def partner_choices(name: str, services: tuple[str, ...], **extra) -> type[models.TextChoices]:
    """A choices class of some of the partner services (labels from ``PartnerService``), plus ``extra`` codes.

    ``extra`` maps a member name to ``(code, label)`` for what is not a
    service (a family member, «other»).
    """
    members = [(PartnerService(code).name, (code, PartnerService(code).label)) for code in services]
    members += [(member, value) for member, value in extra.items()]
    return models.TextChoices(name, members)
