from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorsConfig(AppConfig):
    name = "mentors"
    verbose_name = _("Mentors")

    def ready(self):
        from audit.registry import audit_register
        from cases.registry import case_erasure_register, case_page_register
        from mentors import services
        from notifications.models import Notification
        from notifications.texts import notification_text_register

        notification_text_register(Notification.Kind.QUALIFICATION_EXPIRING, services.qualification_expiring_text)
        case_page_register(services.case_page_actions)
        case_erasure_register(participant=services.erase_with_participant)

        from audit.subject_access import subject_access_register
        from mentors import subject_access

        subject_access_register(
            section="personal_ties",
            title=_("Mentors who know the participant personally"),
            order=80,
            per_participant=subject_access.personal_ties,
        )
        from mentors.models import Attendance, MatchingWeights, Mentor, PersonalTie, Qualification

        # Mentors' profiles hold their own (sometimes sensitive) personal data.
        audit_register(
            Mentor, clear_fields=("user", "is_active", "employment", "max_participants", "hours_per_week", "created_at")
        )
        audit_register(
            Qualification, clear_fields=("mentor", "kind", "completed_on", "valid_until", "recorded_by", "recorded_at")
        )
        audit_register(
            PersonalTie,
            clear_fields=("mentor", "participant", "recorded_by", "recorded_at"),
            subject=(None, "participant"),
        )
        audit_register(Attendance, clear_fields=("mentor", "kind", "date", "recorded_by"))
        audit_register(
            MatchingWeights, clear_fields=tuple(MatchingWeights.FACTORS) + ("set_by", "set_at"), personal_data=False
        )

        from mentors.reminders import qualifications_expiring
        from notifications.reminders import reminder_rule_register

        reminder_rule_register(qualifications_expiring)
