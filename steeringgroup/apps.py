from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SteeringgroupConfig(AppConfig):
    name = "steeringgroup"
    verbose_name = _("Steering group")

    def ready(self):
        from audit.chain import Stage, chain_register
        from audit.registry import audit_register
        from notifications.models import Notification
        from notifications.services import outbox_handler_register
        from notifications.texts import notification_text_register
        from steeringgroup import services, tasks
        from steeringgroup.models import SteeringReport

        outbox_handler_register(services.BUILD_REPORT, tasks.steering_report_dispatch)
        notification_text_register(Notification.Kind.STEERING_REPORT_READY, _report_ready_text)
        # Counts only: audited for who asked and who published, no personal data (the administrator may see it).
        audit_register(
            SteeringReport,
            clear_fields=(
                "period_start",
                "period_end",
                "municipality",
                "status",
                "progress",
                "progress_at",
                "attempts",
                "requested_by",
                "requested_at",
                "built_at",
                "published_by",
                "published_at",
                "checked_against",
                "hidden_for_earlier_reports",
            ),
            exclude_fields=("figures", "pdf", "failure_reason"),
            personal_data=False,
        )
        # A published report is sealed into the audit chain as published: its numbers and its PDF.
        chain_register(
            "steeringgroup.SteeringReport",
            Stage(
                "published",
                written="published_at",
                columns=(
                    "id",
                    "period_start",
                    "period_end",
                    "municipality",
                    "figures",
                    "pdf",
                    "checked_against",
                    "hidden_for_earlier_reports",
                    "published_by_id",
                    "published_at",
                ),
            ),
            unsealed=(
                "status",
                "progress",
                "progress_at",
                "attempts",
                "failure_reason",
                "requested_by_id",
                "requested_at",
                "built_at",
            ),
        )


def _report_ready_text(params) -> str:
    from django.utils.translation import gettext

    return gettext("Steering report %(report)s is built. Read it through and publish it to the steering group.") % {
        "report": params.get("report")
    }
