from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from cases.api import ReferralDetailApi, ReferralListApi
from mentorprogram.access import requires_role
from mentorprogram.api import MeApi

app_name = "api"
urlpatterns = [
    path("me/", MeApi.as_view(), name="me"),
    path("referrals/", ReferralListApi.as_view(), name="referrals"),
    path("referrals/<int:pk>/", ReferralDetailApi.as_view(), name="referral"),
    path("schema/", requires_role()(SpectacularAPIView.as_view()), name="schema"),
]
