from django.urls import path

from . import reports, views
from .views import editions as edition_views

app_name = "analytics"

urlpatterns = [
    path("scorecard/", views.ScorecardView.as_view(), name="scorecard"),
    path("scorecard/recompute/", views.RecomputeView.as_view(), name="recompute"),
    path("scorecard/completeness/", views.CompletenessView.as_view(), name="completeness"),
    path("scorecard/editions/", edition_views.EditionListView.as_view(), name="edition_list"),
    path("scorecard/editions/publish/", edition_views.EditionPublishView.as_view(), name="edition_publish"),
    path("scorecard/editions/<int:pk>/", edition_views.EditionDetailView.as_view(), name="edition_detail"),
    path(
        "scorecard/editions/<int:pk>/<str:fmt>/",
        edition_views.EditionDownloadView.as_view(),
        name="edition_download",
    ),
    path("indicators/<str:code>/", views.IndicatorDetailView.as_view(), name="indicator_detail"),
    path("indicators/<str:code>/targets/", views.IndicatorTargetSetView.as_view(), name="indicator_target_set"),
    path("indicators/<str:code>/baseline/", views.IndicatorBaselineSetView.as_view(), name="indicator_baseline_set"),
    path("leading-sectors/", views.LeadingSectorsView.as_view(), name="leading_sectors"),
    path("grdp/", views.GrdpValueListView.as_view(), name="grdp_list"),
    path("grdp/<int:pk>/", views.GrdpValueDetailView.as_view(), name="grdp_detail"),
    path("regions/", views.RegionListView.as_view(), name="region_list"),
    path("regions/compare/", views.ProvinceComparisonView.as_view(), name="province_comparison"),
    path("regions/<int:pk>/", views.RegionDetailView.as_view(), name="region_detail"),
    # The monitoring reports and the JSON API are wired below this line.
    path("scorecard/report/", reports.MonitoringReportView.as_view(), name="report"),
]
