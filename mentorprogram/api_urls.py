from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from cases.api import CaseDetailApi, CaseListApi, CaseStatusApi, ReferralDetailApi, ReferralListApi
from mentorprogram.access import requires_role
from mentorprogram.api import MeApi
from notifications.api import NotificationListApi, NotificationReadApi
from steeringgroup.api import ReportDetailApi, ReportListApi, ReportPdfApi

app_name = "api"
urlpatterns = [
    path("me/", MeApi.as_view(), name="me"),
    path("referrals/", ReferralListApi.as_view(), name="referrals"),
    path("referrals/<int:pk>/", ReferralDetailApi.as_view(), name="referral"),
    path("cases/", CaseListApi.as_view(), name="cases"),
    path("cases/<int:pk>/", CaseDetailApi.as_view(), name="case"),
    path("cases/<int:pk>/status/", CaseStatusApi.as_view(), name="case_status"),
    path("notifications/", NotificationListApi.as_view(), name="notifications"),
    path("notifications/read/", NotificationReadApi.as_view(), name="notifications_read"),
    path("reports/", ReportListApi.as_view(), name="reports"),
    path("reports/<int:pk>/", ReportDetailApi.as_view(), name="report"),
    path("reports/<int:pk>/pdf/", ReportPdfApi.as_view(), name="report_pdf"),
    path("schema/", requires_role()(SpectacularAPIView.as_view()), name="schema"),
]
