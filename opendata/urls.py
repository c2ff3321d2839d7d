from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("language/", views.language, name="language"),
    path("scorecard/", views.scorecard, name="scorecard"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator_detail"),
    path("leading-sectors/", views.leading_sectors, name="leading_sectors"),
    path("datasets/", views.dataset_list, name="dataset_list"),
    path("datasets/<slug:code>/", views.dataset_detail, name="dataset_detail"),
    path("datasets/<slug:code>.<str:fmt>", views.download, name="download"),
    path("catalog.jsonld", views.catalog, name="catalog"),
    path("api/3/action/package_list", views.ckan_package_list, name="ckan_package_list"),
    path("api/3/action/package_show", views.ckan_package_show, name="ckan_package_show"),
    path("api/3/action/package_search", views.ckan_package_search, name="ckan_package_search"),
]
