from django.urls import path

from cases import views, views_receipt

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/status/", views.case_status, name="status"),
    path("<int:pk>/assessments/", views.case_assessment_add, name="assessment_add"),
    path("<int:pk>/network/", views.case_network_add, name="network_add"),
    path("<int:pk>/consents/", views.case_consent_add, name="consent_add"),
    path("<int:pk>/consents/<int:consent_pk>/withdraw/", views.case_consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/assignments/<int:assignment_pk>/end/", views.case_assignment_end, name="assignment_end"),
    path("<int:pk>/emergency/", views.emergency_access, name="emergency_access"),
    path("<int:pk>/emergency/end/", views.emergency_access_end, name="emergency_access_end"),
    path("referrals/new/", views.referral_create, name="referral_create"),
    path("referrals/mine/", views.referral_mine, name="referral_mine"),
    path("referrals/duplicates/", views.referral_duplicate_check, name="referral_duplicates"),
    path("referrals/", views.triage_queue, name="triage"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/receipt/", views_receipt.referral_receipt, name="referral_receipt"),
    path("referrals/<int:pk>/receipt.pdf", views_receipt.referral_receipt_pdf, name="referral_receipt_pdf"),
    path("referrals/<int:pk>/participant/", views.referral_resolve_participant, name="referral_participant"),
    path("referrals/<int:pk>/decision/", views.referral_decide, name="referral_decide"),
]
