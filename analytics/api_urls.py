"""The read-only JSON API (see analytics/api.py), mounted under /api/ by smarteconomy/urls.py."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from .api import READ_PERMISSIONS, IndicatorViewSet, SnapshotViewSet

app_name = "api"

router = SimpleRouter()
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("snapshots", SnapshotViewSet, basename="snapshot")

urlpatterns = [
    *router.urls,
    # OpenAPI 3: YAML by default, JSON with "Accept: application/json" or ?format=json.
    path("schema/", SpectacularAPIView.as_view(permission_classes=READ_PERMISSIONS), name="schema"),
]
