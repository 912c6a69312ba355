from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndividualplansConfig(AppConfig):
    name = "individualplans"
    verbose_name = _("Individual plans")

    def ready(self):
        from audit.chain import Stage, chain_register
        from audit.registry import audit_register
        from audit.subject_access import subject_access_register
        from cases.registry import (
            case_content_register,
            case_erasure_register,
            case_page_register,
            case_timeline_register,
            consent_withdrawal_register,
        )
        from individualplans import reminders, selectors, services, subject_access
        from individualplans.models import (
            CoordinatorPeriod,
            IndividualPlan,
            PlanConsent,
            PlanEvaluation,
            PlanGoal,
            PlanMeasure,
        )
        from mentorprogram.startpage import start_panel_register
        from notifications.models import Notification
        from notifications.reminders import reminder_rule_register
        from notifications.texts import notification_text_register

        case_page_register(selectors.case_page_plan)
        case_content_register("consents", selectors.consents_marked)
        case_timeline_register(selectors.case_timeline_entries)
        case_erasure_register(case=services.erase_with_case)
        consent_withdrawal_register(services.on_consent_withdrawn)
        start_panel_register(selectors.start_panel)
        from cases.registry import case_due_register

        case_due_register(
            "evaluation",
            label=_("Plan evaluation due"),
            filter=selectors.due_evaluation,
            next_due=selectors.next_evaluation,
        )
        reminder_rule_register(reminders.plan_evaluations_due)
        reminder_rule_register(reminders.plan_goals_past_target)
        subject_access_register(
            section="individual_plans", title=_("Individual plans"), order=25, per_case=subject_access.plans
        )
        for kind, text in _notification_texts(Notification.Kind).items():
            notification_text_register(kind, text)

        via_plan = ("plan__case", "plan__case__participant")
        audit_register(
            IndividualPlan,
            clear_fields=(
                "case",
                "participant",
                "status",
                "services",
                "first_evaluation_on",
                "created_by",
                "created_at",
                "closed_by",
                "closed_at",
                "version",
            ),
            subject=("case", "participant"),
        )
        audit_register(PlanConsent, clear_fields=("consent", "case", "recorded_at"))
        audit_register(
            CoordinatorPeriod, clear_fields=("plan", "coordinator", "period", "started_by"), subject=via_plan
        )
        audit_register(
            PlanGoal,
            clear_fields=("plan", "life_area", "status", "target_date", "created_by", "created_at", "version"),
            subject=via_plan,
        )
        audit_register(
            PlanMeasure,
            clear_fields=(
                "plan",
                "goal",
                "service",
                "starts_on",
                "ends_on",
                "status",
                "created_by",
                "created_at",
                "version",
            ),
            subject=via_plan,
        )
        audit_register(
            PlanEvaluation, clear_fields=("plan", "next_due_on", "evaluated_by", "evaluated_at"), subject=via_plan
        )

        # Records, sealed into the audit chain as written (migration 0002 keeps them unchanged).
        chain_register(
            "individualplans.PlanEvaluation",
            Stage(written="evaluated_at"),
            by_id=True,
            columns=("id", "plan_id", "summary", "changes", "next_due_on", "evaluated_by_id", "evaluated_at"),
        )
        chain_register(
            "individualplans.PlanConsent",
            Stage(written="recorded_at"),
            by_id=True,
            columns=("id", "consent_id", "case_id", "recorded_at"),
        )


def _notification_texts(Kind) -> dict:
    from django.utils.translation import gettext

    return {
        Kind.PLAN_HANDED_TO_YOU: lambda p: (
            gettext("Individual plan %(plan)s was handed over to you. You are now its responsible coordinator.")
            % {"plan": p.get("plan")}
        ),
        Kind.PLAN_HANDED_AWAY: lambda p: (
            gettext("Individual plan %(plan)s was handed over to another coordinator.") % {"plan": p.get("plan")}
        ),
        Kind.PLAN_EVALUATION_DUE: lambda p: (
            (
                gettext("The evaluation of individual plan %(plan)s was due on %(date)s.")
                if p.get("overdue")
                else gettext("The evaluation of individual plan %(plan)s is due on %(date)s.")
            )
            % {"plan": p.get("plan"), "date": p.get("date")}
        ),
        Kind.PLAN_GOAL_OVERDUE: lambda p: (
            gettext("A goal in individual plan %(plan)s passed its target date %(date)s.")
            % {"plan": p.get("plan"), "date": p.get("date")}
        ),
        Kind.PLAN_CONSENT_WITHDRAWN: lambda p: (
            gettext("The consent to individual plan %(plan)s was withdrawn. Work on the plan has stopped.")
            % {"plan": p.get("plan")}
        ),
    }
