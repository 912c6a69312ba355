from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndividualplansConfig(AppConfig):
    name = "individualplans"
    verbose_name = _("Individual plans")
