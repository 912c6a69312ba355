from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosuresConfig(AppConfig):
    name = "disclosures"
    verbose_name = _("Disclosures")

    def ready(self):
        from audit.registry import audit_register
        from disclosures.models import Disclosure

        audit_register(
            Disclosure,
            clear_fields=(
                "case",
                "legal_basis",
                "recipient_kind",
                "participant_informed",
                "corrects",
                "recorded_by",
                "recorded_at",
            ),
            exclude_fields=("submission_key",),
        )
