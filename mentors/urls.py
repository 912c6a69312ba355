from django.urls import path

from mentors import views

app_name = "mentors"
urlpatterns = [
    path("", views.pool, name="pool"),
    path("weights/", views.weights, name="weights"),
    path("new/", views.mentor_create, name="create"),
    path("me/", views.me, name="me"),
    path("<int:pk>/", views.mentor_detail, name="detail"),
    path("<int:pk>/edit/", views.mentor_edit, name="edit"),
    path("<int:pk>/qualifications/", views.qualification_add, name="qualification_add"),
    path("<int:pk>/attendance/", views.attendance_add, name="attendance_add"),
    path("cases/<int:pk>/i-know/", views.declare_tie, name="declare_tie"),
    path("cases/<int:pk>/", views.matching, name="matching"),
    path("cases/<int:pk>/wishes/", views.wishes, name="wishes"),
    path("cases/<int:pk>/assign/", views.assign, name="assign"),
    path("cases/<int:pk>/ties/", views.tie, name="tie"),
]
