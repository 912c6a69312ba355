from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorprogramConfig(AppConfig):
    name = "mentorprogram"
    verbose_name = _("Mentor programme")
