from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from cases.api import (
    ReferralDecisionApi,
    ReferralDetailApi,
    ReferralListApi,
    ReferralMatchesApi,
    ReferralParticipantApi,
)
from cases.api_cases import (
    AssignmentEndApi,
    CaseDetailApi,
    CaseListApi,
    CaseStatusApi,
    ParticipantDetailApi,
    ParticipantListApi,
)
from disclosures.api import CaseDisclosuresApi
from individualplans.api import (
    GoalApi,
    GoalMeasuresApi,
    MeasureApi,
    PlanDetailApi,
    PlanEvaluationsApi,
    PlanGoalsApi,
    PlanListApi,
)
from mentorprogram.access import requires_role
from mentorprogram.api import MeApi
from mentors.api import AssignmentListApi, MatchingApi, MentorDetailApi, MentorListApi
from mentorsessions.api import (
    CaseSessionsApi,
    ConcernAcknowledgeApi,
    ConcernSignalListApi,
    SessionAddendumApi,
    SessionCorrectionApi,
    SessionDetailApi,
    SessionVoidApi,
)
from notifications.api import NotificationListApi, NotificationReadApi
from steeringgroup.api import ReportDetailApi, ReportListApi, ReportPdfApi

app_name = "api"
urlpatterns = [
    path("me/", MeApi.as_view(), name="me"),
    path("referrals/", ReferralListApi.as_view(), name="referrals"),
    path("referrals/<int:pk>/", ReferralDetailApi.as_view(), name="referral"),
    path("referrals/<int:pk>/participant-matches/", ReferralMatchesApi.as_view(), name="referral_matches"),
    path("referrals/<int:pk>/participant/", ReferralParticipantApi.as_view(), name="referral_participant"),
    path("referrals/<int:pk>/decision/", ReferralDecisionApi.as_view(), name="referral_decision"),
    path("participants/", ParticipantListApi.as_view(), name="participants"),
    path("participants/<int:pk>/", ParticipantDetailApi.as_view(), name="participant"),
    path("cases/", CaseListApi.as_view(), name="cases"),
    path("cases/<int:pk>/", CaseDetailApi.as_view(), name="case"),
    path("cases/<int:pk>/status/", CaseStatusApi.as_view(), name="case_status"),
    path("cases/<int:pk>/assignments/", AssignmentListApi.as_view(), name="case_assignments"),
    path("cases/<int:pk>/assignments/<int:assignment_pk>/end/", AssignmentEndApi.as_view(), name="case_assignment_end"),
    path("cases/<int:pk>/mentor-suggestions/", MatchingApi.as_view(), name="case_matching"),
    path("cases/<int:pk>/sessions/", CaseSessionsApi.as_view(), name="case_sessions"),
    path("cases/<int:pk>/disclosures/", CaseDisclosuresApi.as_view(), name="case_disclosures"),
    path("mentors/", MentorListApi.as_view(), name="mentors"),
    path("mentors/<int:pk>/", MentorDetailApi.as_view(), name="mentor"),
    path("sessions/<int:pk>/", SessionDetailApi.as_view(), name="session"),
    path("sessions/<int:pk>/correction/", SessionCorrectionApi.as_view(), name="session_correction"),
    path("sessions/<int:pk>/addenda/", SessionAddendumApi.as_view(), name="session_addenda"),
    path("sessions/<int:pk>/void/", SessionVoidApi.as_view(), name="session_void"),
    path("concern-signals/", ConcernSignalListApi.as_view(), name="concern_signals"),
    path("concern-signals/<int:pk>/acknowledge/", ConcernAcknowledgeApi.as_view(), name="concern_acknowledge"),
    path("plans/", PlanListApi.as_view(), name="plans"),
    path("plans/<int:pk>/", PlanDetailApi.as_view(), name="plan"),
    path("plans/<int:pk>/goals/", PlanGoalsApi.as_view(), name="plan_goals"),
    path("plans/<int:pk>/evaluations/", PlanEvaluationsApi.as_view(), name="plan_evaluations"),
    path("plan-goals/<int:pk>/", GoalApi.as_view(), name="goal"),
    path("plan-measures/<int:pk>/", MeasureApi.as_view(), name="measure"),
    path("plan-goals/<int:pk>/measures/", GoalMeasuresApi.as_view(), name="goal_measures"),
    path("notifications/", NotificationListApi.as_view(), name="notifications"),
    path("notifications/read/", NotificationReadApi.as_view(), name="notifications_read"),
    path("reports/", ReportListApi.as_view(), name="reports"),
    path("reports/<int:pk>/", ReportDetailApi.as_view(), name="report"),
    path("reports/<int:pk>/pdf/", ReportPdfApi.as_view(), name="report_pdf"),
    path("schema/", requires_role()(SpectacularAPIView.as_view()), name="schema"),
]
