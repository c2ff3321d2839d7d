from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("leading-sectors/", views.LeadingSectorsView.as_view(), name="leading_sectors"),
    path("grdp/", views.GrdpValueListView.as_view(), name="grdp_list"),
    path("grdp/<int:pk>/", views.GrdpValueDetailView.as_view(), name="grdp_detail"),
    path("regions/", views.RegionListView.as_view(), name="region_list"),
    path("regions/<int:pk>/", views.RegionDetailView.as_view(), name="region_detail"),
]
