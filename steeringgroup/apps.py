from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SteeringgroupConfig(AppConfig):
    name = "steeringgroup"
    verbose_name = _("Steering group")
