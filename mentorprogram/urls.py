"""The project's routes.

Deny by default (``mentorprogram.access``): every view declares who may reach
it. The public list is short and explicit: login, password reset, health,
static files and the language switch.
"""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from mentorprogram import views
from mentorprogram.access import public
from mentorprogram.accounts import views as account_views
from mentorprogram.accounts import views_oidc

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", account_views.login, name="login"),
    path("login/oidc/<slug:provider>/", views_oidc.oidc_start, name="oidc_start"),
    path("login/oidc/<slug:provider>/callback/", views_oidc.oidc_callback, name="oidc_callback"),
    path("logout/", views_oidc.logout, name="logout"),
    path("account/", include("mentorprogram.accounts.urls")),
    path("cases/", include("cases.urls")),
    path("mentors/", include("mentors.urls")),
    path("sessions/", include("mentorsessions.urls")),
    path("disclosures/", include("disclosures.urls")),
    path("plans/", include("individualplans.urls")),
    path("reports/", include("steeringgroup.urls")),
    path("audit/", include("privacy.urls")),
    path("notifications/", include("notifications.urls")),
    path("api/v1/", include("mentorprogram.api_urls")),
    path("developers/api/", views.api_docs, name="api_docs"),
    path("health/", views.health, name="health"),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

handler404 = "mentorprogram.views.api_aware_not_found"
handler400 = "mentorprogram.views.api_aware_bad_request"
