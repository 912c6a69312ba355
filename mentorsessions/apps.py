from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorSessionsConfig(AppConfig):
    name = "mentorsessions"
    verbose_name = _("Mentor sessions")

    def ready(self):
        from audit.registry import audit_register
        from mentorsessions.models import ConcernSignal, MentorSession, MentorSessionDraft, SessionAddendum

        audit_register(
            MentorSession,
            clear_fields=(
                "case",
                "mentor",
                "duration_minutes",
                "mode",
                "topics",
                "progress",
                "recorded_at",
                "updated_at",
                "voided_at",
                "voided_by",
            ),
            exclude_fields=("submission_key",),
        )
        audit_register(
            SessionAddendum,
            clear_fields=("session", "written_by", "written_at"),
            subject=("session__case", "session__case__participant"),
        )
        audit_register(
            ConcernSignal,
            clear_fields=(
                "session",
                "case",
                "level",
                "raised_by",
                "raised_at",
                "escalated_at",
                "acknowledged_at",
                "acknowledged_by",
            ),
        )
        audit_register(MentorSessionDraft, clear_fields=("case", "mentor", "saved_at"))
