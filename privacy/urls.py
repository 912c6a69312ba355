from django.urls import path

from privacy import views

# The privacy office keeps the addresses (/audit/...) and URL names («audit:...») it has always had.
app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="events"),
    path("access/", views.access_list, name="access"),
    path("access/readers.csv", views.access_csv, name="access_csv"),
    path("emergency/", views.emergency_list, name="emergency"),
    path("emergency/<int:pk>/review/", views.emergency_review, name="emergency_review"),
    path("subject-access/", views.subject_access, name="subject_access"),
    path("subject-access/<int:pk>/export.pdf", views.subject_access_pdf, name="subject_access_pdf"),
    path("subject-access/<int:pk>/export.json", views.subject_access_json, name="subject_access_json"),
    path("retention/", views.retention, name="retention"),
    path("retention/<int:pk>/erase/", views.retention_erase_now, name="retention_erase"),
    path("retention/holds/", views.legal_hold_place, name="legal_hold_place"),
    path("retention/holds/<int:pk>/lift/", views.legal_hold_lift, name="legal_hold_lift"),
]
