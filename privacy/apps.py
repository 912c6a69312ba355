from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """The privacy officer's face: who has read what, the event search, access requests, retention, emergency review.

    It reads the trail (``audit``) and the apps it reports on; the trail
    itself imports none of them.
    """

    name = "privacy"
    verbose_name = _("Privacy office")

    def ready(self):
        from mentorprogram.startpage import start_panel_register
        from privacy.startpage import privacy_panel

        start_panel_register(privacy_panel)
