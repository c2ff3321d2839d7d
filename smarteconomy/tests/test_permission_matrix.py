"""Every URL × every role, from the MATRIX lists of all apps (see smarteconomy/testing.py)."""

import types

import pytest
from django.urls import get_resolver, include, path, reverse
from rest_framework.routers import DefaultRouter

from smarteconomy.testing import ROLES, collect_matrix, outcome_of, url_names, url_routes

CASES = collect_matrix()


def test_every_url_of_the_product_is_in_the_matrix():
    listed = {case.url_name for case in CASES}
    missing = sorted(url_names() - listed)
    assert not missing, f"URLs missing from every app's tests/permission_matrix.py: {missing}"


def test_every_api_endpoint_is_in_the_matrix():
    """Everything under /api/: the scorecard's router routes, the OpenAPI schema and the operators' endpoints."""
    listed = {case.url_name for case in CASES}
    api = [(route, name) for route, name in url_routes() if route.startswith("api/")]
    assert {name for _route, name in api} >= {
        "api:indicator-list",
        "api:indicator-detail",
        "api:snapshot-list",
        "api:schema",
        "cashless_api:location_list",
        "cashless_api:transaction_push",
        "cashless_api:summary_list",
    }
    missing = [route for route, name in api if name not in listed]
    assert not missing, f"API endpoints missing from every app's tests/permission_matrix.py: {missing}"


def test_a_new_router_route_or_an_unnamed_url_would_be_reported_missing():
    """The check above sees what a router adds (DefaultRouter's root and format suffixes) and URLs without a name."""
    from analytics.api import SnapshotViewSet

    router = DefaultRouter()
    router.register("things", SnapshotViewSet, basename="thing")
    inner = types.ModuleType("inner_urls")
    inner.app_name = "extra_api"
    inner.urlpatterns = [*router.urls, path("raw/", lambda request: None)]
    urlconf = types.ModuleType("test_urls")
    urlconf.urlpatterns = [path("api/extra/", include(inner))]
    names = url_names(get_resolver(urlconf))
    assert {"extra_api:api-root", "extra_api:thing-list"} <= names
    assert "<unnamed: api/extra/raw/>" in names
    listed = {case.url_name for case in CASES}
    assert names - listed  # all of them would be reported


def test_the_matrix_names_only_existing_urls():
    assert {case.url_name for case in CASES} - url_names() <= {"admin:index"}


def test_every_case_says_what_each_role_gets():
    for case in CASES:
        for role in ROLES:
            assert case.expected_for(role) is not None, f"{case.id}: no expectation for {role}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_permission(case, role, client, role_users):
    kwargs = case.kwargs(role_users) if callable(case.kwargs) else (case.kwargs or {})
    url = reverse(case.url_name, kwargs=kwargs)
    if role != "anonymous":
        client.force_login(role_users[role])
    response = case.request(client, url)
    assert outcome_of(response) == case.expected_for(role), f"{role} {case.method.upper()} {url}"
