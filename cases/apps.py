from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Referrals and cases")

    def ready(self):
        from audit.chain import Stage, chain_register
        from audit.registry import audit_register, case_holder_register
        from cases import reminders, selectors
        from cases.models import (
            Assessment,
            Case,
            CaseAssignment,
            CaseStatusChange,
            CaseWishes,
            Consent,
            ConsentWithdrawal,
            EmergencyAccess,
            LegalHold,
            NetworkMember,
            Participant,
            Referral,
            RetentionRun,
        )
        from cases.services import referral_decided_text, referral_receipt_text
        from notifications.models import Notification
        from notifications.reminders import reminder_rule_register
        from notifications.texts import notification_text_register

        notification_text_register(Notification.Kind.REFERRAL_DECIDED, referral_decided_text)
        notification_text_register(Notification.Kind.REFERRAL_RECEIPT, referral_receipt_text)
        from audit.subject_access import subject_access_register
        from cases import subject_access

        subject_access_register(section="cases", title=_("Cases"), order=10, per_case=subject_access.the_case)
        subject_access_register(
            section="case_records",
            title=_("Assessments, network, consents, assignments and status"),
            order=20,
            per_case=subject_access.case_records,
        )
        subject_access_register(
            section="emergency_accesses",
            title=_("Emergency access to the case"),
            order=60,
            per_case=subject_access.emergency_accesses,
        )
        subject_access_register(
            section="referrals", title=_("Referrals"), order=70, per_participant=subject_access.referrals
        )
        case_holder_register(selectors.case_pks_held)
        from cases import startpage
        from mentorprogram.startpage import start_panel_register

        start_panel_register(startpage.slt_panel)
        from cases.registry import case_due_register

        case_due_register("needs_mentor", label=_("Waiting for a mentor"), filter=selectors.due_needs_mentor)
        case_due_register(
            "consent_expiring",
            label=_("A consent runs out soon"),
            filter=selectors.due_consent_expiring,
            next_due=selectors.next_consent_expiry,
        )
        start_panel_register(startpage.coordinator_panel)
        for rule in (
            reminders.cases_waiting_for_mentor,
            reminders.referrals_waiting_for_triage,
            reminders.consents_expiring,
        ):
            reminder_rule_register(rule)
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
            ),
        )
        audit_register(
            ConsentWithdrawal,
            clear_fields=("consent", "withdrawn_at", "withdrawn_by"),
            subject=("consent__case", "consent__case__participant"),
        )
        audit_register(LegalHold, clear_fields=("case", "placed_by", "placed_at", "lifted_by", "lifted_at"))
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

        # Final records, sealed into the audit chain (migrations 0011 and 0015 keep each sealed step unchanged).
        chain_register(
            "cases.Consent",
            Stage(
                written="recorded_at",
                columns=(
                    "id",
                    "case_id",
                    "services",
                    "given_by",
                    "guardian_name",
                    "valid_from",
                    "valid_to",
                    "recorded_by_id",
                    "recorded_at",
                ),
            ),
        )
        chain_register(
            "cases.ConsentWithdrawal",
            Stage(written="withdrawn_at", columns=("id", "consent_id", "withdrawn_at", "withdrawn_by_id")),
        )
        chain_register(
            "cases.EmergencyAccess",
            Stage(
                written="granted_at",
                columns=("id", "case_id", "user_id", "legal_basis", "reason", "granted_at", "expires_at"),
            ),
            Stage("ended", written="ended_at", columns=("id", "ended_at")),
            Stage(
                "reviewed",
                written="reviewed_at",
                columns=("id", "reviewed_at", "reviewed_by_id", "review", "review_note"),
            ),
        )
        chain_register(
            "cases.LegalHold",
            Stage(written="placed_at", columns=("id", "case_id", "reason", "placed_by_id", "placed_at")),
            Stage("lifted", written="lifted_at", columns=("id", "lifted_at", "lifted_by_id", "lift_reason")),
        )


def _all_fields(model):
    return [f.name for f in model._meta.concrete_fields if not f.primary_key]
