from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosuresConfig(AppConfig):
    name = "disclosures"
    verbose_name = _("Disclosures")

    def ready(self):
        from audit.chain import Stage, chain_register
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
        chain_register(
            "disclosures.Disclosure",
            Stage(written="recorded_at"),
            by_id=True,
            columns=(
                "id",
                "legal_basis",
                "legal_basis_other",
                "recipient_kind",
                "recipient",
                "shared",
                "justification",
                "disclosed_on",
                "decided_by",
                "consulted",
                "participant_informed",
                "informed_on",
                "not_informed_reason",
                "correction_reason",
                "recorded_at",
                "submission_key",
                "case_id",
                "corrects_id",
                "recorded_by_id",
            ),
        )
