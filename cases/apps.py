from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Referrals and cases")

    def ready(self):
        from audit.registry import audit_register
        from cases.models import (
            Assessment,
            Case,
            CaseAssignment,
            CaseStatusChange,
            CaseWishes,
            Consent,
            EmergencyAccess,
            NetworkMember,
            Participant,
            Referral,
            RetentionRun,
        )

        audit_register(Participant, clear_fields=("gender", "created_at"), subject=(None, "pk"))
        audit_register(
            Referral,
            clear_fields=(
                "source",
                "received_on",
                "urgency",
                "status",
                "criteria",
                "gender",
                "submitted_by",
                "submitted_at",
                "participant",
                "participant_decision",
                "participant_decided_by",
                "participant_decided_at",
                "decided_by",
                "decided_at",
                "duplicate_of",
                "case",
            ),
            exclude_fields=("submission_key",),
            subject=("case", "participant"),
        )
        audit_register(Assessment, clear_fields=("case", "assessed_by", "assessed_at"))
        audit_register(NetworkMember, clear_fields=("case", "kind", "stance", "added_by", "added_at"))
        audit_register(
            Consent,
            clear_fields=(
                "case",
                "services",
                "given_by",
                "valid_from",
                "valid_to",
                "recorded_by",
                "recorded_at",
                "withdrawn_at",
                "withdrawn_by",
            ),
        )
        audit_register(
            CaseWishes,
            clear_fields=("case", "gender_wish", "background_match_wanted", "ideology", "updated_by", "updated_at"),
        )
        audit_register(CaseStatusChange, clear_fields=("case", "from_status", "to_status", "changed_by", "changed_at"))
        audit_register(
            Case,
            clear_fields=("participant", "track", "status", "opened_at", "closed_at", "outcome"),
            subject=("pk", "participant"),
        )
        audit_register(RetentionRun, clear_fields=tuple(_all_fields(RetentionRun)), personal_data=False)
        audit_register(
            EmergencyAccess,
            clear_fields=(
                "case",
                "user",
                "legal_basis",
                "granted_at",
                "expires_at",
                "ended_at",
                "reviewed_at",
                "reviewed_by",
                "review",
            ),
        )
        audit_register(
            CaseAssignment, clear_fields=("case", "user", "kind", "started_at", "ended_at", "started_by", "ended_by")
        )


def _all_fields(model):
    return [f.name for f in model._meta.concrete_fields if not f.primary_key]
