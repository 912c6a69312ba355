from django.urls import path

from disclosures import views

app_name = "disclosures"
urlpatterns = [
    path("", views.register, name="register"),
    path("<int:pk>/", views.disclosure_detail, name="detail"),
    path("cases/<int:pk>/", views.case_disclosures, name="case"),
    path("cases/<int:pk>/new/", views.disclosure_create, name="create"),
]
