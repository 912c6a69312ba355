from django.urls import path

from individualplans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("cases/<int:pk>/new/", views.plan_start, name="start"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/consent/", views.plan_consent, name="consent"),
    path("<int:pk>/consents/<int:consent_pk>/withdraw/", views.plan_consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/goals/new/", views.goal_add, name="goal_add"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/measures/new/", views.measure_add, name="measure_add"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("<int:pk>/evaluations/new/", views.evaluation_add, name="evaluation_add"),
    path("<int:pk>/handover/", views.plan_handover, name="handover"),
    path("<int:pk>/close/", views.plan_close, name="close"),
    path("<int:pk>/plan.pdf", views.plan_pdf, name="pdf"),
]
