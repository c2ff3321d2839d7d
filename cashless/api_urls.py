"""The operators' part of the product's API (see cashless/api.py), mounted under /api/cashless/; the one
OpenAPI schema (api:schema) covers it."""

from django.urls import path

from . import api

app_name = "cashless_api"

urlpatterns = [
    path("locations/", api.LocationListView.as_view(), name="location_list"),
    path("locations/<str:code>/transactions/", api.TransactionPushView.as_view(), name="transaction_push"),
    path("locations/<str:code>/summaries/", api.SummaryListView.as_view(), name="summary_list"),
]
