from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorSessionsConfig(AppConfig):
    name = "mentorsessions"
    verbose_name = _("Mentor sessions")

    def ready(self):
        from audit.chain import Stage, chain_register
        from audit.registry import audit_register
        from cases.registry import case_erasure_register, case_page_register, case_timeline_register
        from mentorsessions import selectors, services

        case_timeline_register(selectors.case_timeline_entries)
        from cases.registry import case_list_register

        case_list_register(selectors.case_list_last_session)
        from cases.registry import case_due_register

        case_due_register("open_signal", label=_("Open concern signal"), filter=selectors.due_open_signal)
        case_due_register("quiet", label=_("No session for weeks"), filter=selectors.due_quiet)
        from notifications.models import Notification
        from notifications.texts import notification_text_register

        for kind in (
            Notification.Kind.CONCERN_SIGNAL,
            Notification.Kind.CONCERN_ESCALATED,
            Notification.Kind.CONCERN_ACKNOWLEDGED,
        ):
            notification_text_register(kind, services.concern_notice_text(kind))
        case_page_register(services.case_page_actions)
        from mentorprogram.startpage import start_panel_register
        from mentorsessions.startpage import sessions_panel

        start_panel_register(sessions_panel)

        from audit.subject_access import subject_access_register
        from mentorsessions import subject_access

        subject_access_register(
            section="sessions", title=_("Mentor sessions"), order=30, per_case=subject_access.sessions
        )
        subject_access_register(
            section="concern_signals", title=_("Concern signals"), order=40, per_case=subject_access.concern_signals
        )
        case_erasure_register(case=services.erase_with_case)
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

        from mentors.selectors import hours_in_use_register
        from mentorsessions.reminders import cases_without_session
        from mentorsessions.selectors import minutes_per_mentor
        from notifications.reminders import reminder_rule_register

        reminder_rule_register(cases_without_session)
        hours_in_use_register(minutes_per_mentor)

        # Final records, sealed into the audit chain step by step (the triggers of migrations 0002 and 0004
        # keep each sealed step from changing). A draft is not a record: it is never sealed.
        chain_register(
            "mentorsessions.MentorSession",
            Stage(
                written="recorded_at",
                final_after=MentorSession.EDIT_WINDOW,
                columns=(
                    "id",
                    "case_id",
                    "mentor_id",
                    "held_on",
                    "duration_minutes",
                    "mode",
                    "topics",
                    "notes",
                    "progress",
                    "next_step",
                    "next_meeting_on",
                    "recorded_at",
                    "updated_at",
                    "submission_key",
                ),
            ),
            Stage("voided", written="voided_at", columns=("id", "voided_at", "voided_by_id", "void_reason")),
        )
        chain_register(
            "mentorsessions.SessionAddendum",
            Stage(written="written_at", columns=("id", "session_id", "text", "written_by_id", "written_at")),
        )
        chain_register(
            "mentorsessions.ConcernSignal",
            Stage(
                written="raised_at",
                columns=("id", "session_id", "case_id", "level", "description", "raised_by_id", "raised_at"),
            ),
            Stage("escalated", written="escalated_at", columns=("id", "escalated_at")),
            Stage(
                "acknowledged",
                written="acknowledged_at",
                columns=("id", "acknowledged_at", "acknowledged_by_id", "acknowledgement"),
            ),
        )
