from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosuresConfig(AppConfig):
    name = "disclosures"
    verbose_name = _("Disclosures")

    def ready(self):
        from audit.chain import Stage, chain_register
        from audit.registry import audit_register
        from cases.registry import case_erasure_register, case_page_register, case_timeline_register
        from disclosures import selectors, services

        case_timeline_register(selectors.case_timeline_entries)
        case_page_register(services.case_page_actions)
        case_erasure_register(case=services.erase_with_case)

        from audit.subject_access import subject_access_register
        from disclosures import subject_access

        subject_access_register(
            section="disclosures", title=_("Disclosures"), order=50, per_case=subject_access.disclosures
        )
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
