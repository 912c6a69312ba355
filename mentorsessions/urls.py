from django.urls import path

from mentorsessions import views

app_name = "mentorsessions"
urlpatterns = [
    path("", views.mentor_home, name="home"),
    path("overview/", views.coordinator_overview, name="overview"),
    path("cases/<int:pk>/", views.case_sessions, name="case_sessions"),
    path("cases/<int:pk>/new/", views.session_create, name="create"),
    path("cases/<int:pk>/draft/", views.session_draft, name="draft"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/edit/", views.session_edit, name="edit"),
    path("<int:pk>/addenda/", views.session_addendum_add, name="addendum_add"),
    path("<int:pk>/void/", views.session_void, name="void"),
    path("concerns/<int:pk>/acknowledge/", views.concern_acknowledge, name="acknowledge"),
]
