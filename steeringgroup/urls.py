from django.urls import path

from steeringgroup import views

app_name = "steering"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_create, name="create"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/publish/", views.report_publish, name="publish"),
    path("<int:pk>/report.pdf", views.report_pdf, name="pdf"),
    path("<int:pk>/report.csv", views.report_csv, name="csv"),
]
