from django.urls import path

from . import views

app_name = "licensing"

urlpatterns = [
    path("applications/", views.PermitApplicationListView.as_view(), name="application_list"),
    path("new-application/", views.PermitApplicationCreateView.as_view(), name="application_add"),
    path("applications/<int:pk>/", views.PermitApplicationDetailView.as_view(), name="application_detail"),
    path(
        "applications/<int:pk>/transition/",
        views.PermitApplicationTransitionView.as_view(),
        name="application_transition",
    ),
    path("applications/<int:pk>/edit/", views.PermitApplicationUpdateView.as_view(), name="application_edit"),
    path("applications/<int:pk>/reject/", views.PermitApplicationRejectView.as_view(), name="application_reject"),
    path("applications/<int:pk>/receipt/", views.PermitApplicationReceiptView.as_view(), name="application_receipt"),
    # Public (no login): the applicant's tracking page.
    path("lacak-izin/", views.PermitTrackingView.as_view(), name="tracking"),
    path("disruptions/", views.ServiceDisruptionListView.as_view(), name="disruption_list"),
    path("disruptions/add/", views.ServiceDisruptionCreateView.as_view(), name="disruption_add"),
    path("disruptions/<int:pk>/", views.ServiceDisruptionDetailView.as_view(), name="disruption_detail"),
    path("disruptions/<int:pk>/edit/", views.ServiceDisruptionUpdateView.as_view(), name="disruption_edit"),
    path("permit-types/", views.PermitTypeListView.as_view(), name="permittype_list"),
    path("ikm/", views.IkmView.as_view(), name="ikm"),
    # Public (no login): the applicant's survey, reached through the signed link shown on the application's page.
    path("survey/<str:token>/", views.SurveyView.as_view(), name="survey"),
]
