from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import accounts, health, media, reporting_views, views

reference_patterns = (
    [
        path("kelurahan/", views.KelurahanListView.as_view(), name="kelurahan_list"),
        path("kelurahan/<int:pk>/", views.KelurahanDetailView.as_view(), name="kelurahan_detail"),
        path("kecamatan/<int:pk>/", views.KecamatanDetailView.as_view(), name="kecamatan_detail"),
        path("sectors/", views.SectorListView.as_view(), name="sector_list"),
        path("sectors/<int:pk>/", views.SectorDetailView.as_view(), name="sector_detail"),
    ],
    "reference",
)

import_patterns = (
    [
        path("", views.ImportBatchListView.as_view(), name="batch_list"),
        path("<int:pk>/", views.ImportBatchDetailView.as_view(), name="batch_detail"),
        path("<int:pk>/errors.csv", views.ImportBatchErrorsView.as_view(), name="batch_errors"),
        path("upload/<slug:importer>/", views.ImportView.as_view(), name="upload"),
        path("upload/<slug:importer>/template.xlsx", views.ImportTemplateView.as_view(), name="template"),
    ],
    "imports",
)

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("health/", health.health, name="health"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/setlang/", accounts.set_language, name="set_language"),
    path("reference/", include(reference_patterns)),
    path("imports/", include(import_patterns)),
    path(
        "exports/",
        include(
            (
                [
                    path("", views.ExportLogListView.as_view(), name="log_list"),
                    path("mine/", views.ExportJobListView.as_view(), name="job_list"),
                    path("mine/<int:pk>/download/", views.ExportJobDownloadView.as_view(), name="job_download"),
                ],
                "exports",
            )
        ),
    ),
    path(
        "tasks/",
        include(
            (
                [
                    path("", views.TaskRunListView.as_view(), name="run_list"),
                    path("<int:pk>/", views.TaskRunDetailView.as_view(), name="run_detail"),
                ],
                "tasks",
            )
        ),
    ),
    path(
        "reporting/",
        include(
            (
                [
                    path("", reporting_views.ReportingOverviewView.as_view(), name="overview"),
                    path("<str:code>/", reporting_views.ReportingSourceView.as_view(), name="source"),
                    path(
                        "<str:code>/<str:period>/<str:step>/",
                        reporting_views.ReportingStepView.as_view(),
                        name="step",
                    ),
                ],
                "reporting",
            )
        ),
    ),
    path("analytics/", include("analytics.urls")),
    path("api/", include("analytics.api_urls")),
    path("licensing/", include("licensing.urls")),
    path("industry-centre/", include("industry_center.urls")),
    path("cashless/", include("cashless.urls")),
    path("api/cashless/", include("cashless.api_urls")),
    path("msme/", include("msme.urls")),
    path("open-data/", include("opendata.urls")),
    path("notifications/", include("notifications.urls")),
    path("admin/", admin.site.urls),
    # Uploaded files, behind the permission checks of the records they belong to (also in production).
    path("media/<path:path>", media.MediaFileView.as_view(), name="media"),
]
