from django.urls import path

from mentors import views

app_name = "mentors"
urlpatterns = [
    path("", views.pool, name="pool"),
    path("weights/", views.weights, name="weights"),
    path("cases/<int:pk>/", views.matching, name="matching"),
    path("cases/<int:pk>/wishes/", views.wishes, name="wishes"),
    path("cases/<int:pk>/assign/", views.assign, name="assign"),
    path("cases/<int:pk>/ties/", views.tie, name="tie"),
]
