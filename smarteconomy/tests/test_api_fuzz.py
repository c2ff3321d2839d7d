"""Schemathesis over the whole OpenAPI schema (/api/schema/): every operation, with generated valid and invalid
requests, against the Django WSGI application in this process, authenticated as a role that may use it (Bappeda's
token for the scorecard API, an operator's token for the parking API). No response is a server error, and every
response conforms to the schema (status code, content type, body, headers)."""

import json
import re
from datetime import date

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from drf_spectacular.views import SpectacularAPIView
from hypothesis import HealthCheck, settings

from analytics.models import IndicatorBaseline, IndicatorSnapshot, IndicatorTarget
from cashless.services import parking_transactions_import
from cashless.tests.factories import csv_of, link, make_location, row
from smarteconomy.tokens import api_token_create

pytestmark = pytest.mark.django_db

INDICATOR = "analytics.basis_sector_count"
LOCATION = "SEPINGGAN"
# The schema does not describe itself (SPECTACULAR_SETTINGS["SERVE_INCLUDE_SCHEMA"] is False).
NOT_IN_SCHEMA = {"/api/schema/"}


def api_routes(resolver=None, prefix="/"):
    """Every route of the product under /api/, written as OpenAPI paths (/api/indicators/{code}/)."""
    resolver = resolver or get_resolver()
    routes = set()
    for pattern in resolver.url_patterns:
        text = str(pattern.pattern).lstrip("^").rstrip("$")
        text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", text)  # a router's regex groups
        text = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text)  # path converters
        if isinstance(pattern, URLResolver):
            routes |= api_routes(pattern, prefix + text)
        elif isinstance(pattern, URLPattern) and (prefix + text).startswith("/api/"):
            routes.add(prefix + text)
    return routes


def test_every_api_route_is_in_the_schema():
    paths = set(SCHEMA["paths"])
    routes = api_routes()
    assert {"/api/indicators/{code}/", "/api/cashless/locations/{code}/transactions/"} <= routes
    assert routes - NOT_IN_SCHEMA - paths == set(), "API routes missing from the OpenAPI schema"
    assert paths - routes == set(), "the schema documents routes that do not exist"


@pytest.fixture
def keep_connection():
    """Django's WSGI application runs inside the test's transaction. Like Django's test client, it must not close
    the database connection at the end of each request (that would end the transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_data(role_users, settings, tmp_path):
    """What the endpoints read: a baseline, targets and snapshots; two locations, the airport's operator and
    its transactions (so summaries exist); a token for Bappeda and for the airport's operator."""
    settings.MEDIA_ROOT = tmp_path / "media"
    IndicatorBaseline.objects.create(indicator_code=INDICATOR, year=2019, value=10, source="BPS")
    IndicatorTarget.objects.create(indicator_code=INDICATOR, year=2025, value=12)
    for period, status in (("2024", "on_track"), ("2025", "off_track")):
        IndicatorSnapshot.objects.create(
            indicator_code=INDICATOR,
            pillar="leading_sectors",
            period=period,
            period_start=date(int(period), 1, 1),
            value=11.0,
            target=12.0,
            achievement=91.6667,
            status=status,
            completeness={"present": 2, "expected": 2, "inputs": [], "note": ""},
            computed_at=timezone.now(),
        )
    airport = make_location(LOCATION)
    make_location("BSB", "Balikpapan Superblock")
    link(role_users["operator_airport"], airport)
    today = timezone.localdate().isoformat()
    log = csv_of(
        row("T1", entry=f"{today}T09:00:00+08:00", exit_=f"{today}T10:00:00+08:00"),
        row("T2", entry=f"{today}T11:00:00+08:00", exit_="", method="cash", status="failed", reason="no change"),
    )
    parking_transactions_import(location=airport, data=log, filename="log.csv", user=None)
    return {
        "bappeda": api_token_create(user=role_users["bappeda"])[1],
        "operator": api_token_create(user=role_users["operator_airport"])[1],
    }


def served_schema():
    """The schema exactly as /api/schema/ serves it (drf-spectacular's generator), built when the module loads:
    schemathesis.pytest.from_fixture cannot be used with pytest 9 (it reads a node attribute pytest removed)."""
    generator = SpectacularAPIView.generator_class(urlconf=None, api_version=None, patterns=None)
    return json.loads(json.dumps(generator.get_schema(request=None, public=True), cls=DjangoJSONEncoder))


SCHEMA = served_schema()
schema = schemathesis.openapi.from_dict(SCHEMA)
# Requests go to Django's WSGI application in this process (as schemathesis.openapi.from_wsgi would set it up),
# also those that the checks send themselves (e.g. the same request without its token).
schema.app = WSGIHandler()


def test_the_fuzzed_schema_is_the_served_one(client, role_users):
    client.force_login(role_users["bappeda"])
    assert json.loads(client.get("/api/schema/?format=json").content) == SCHEMA


# Operations whose documented answers include refusing a request of the right shape for what it says, which an
# OpenAPI schema cannot express: a pushed batch refused by the importer's checks (422: an impossible time, an exit
# before the entry, a conflict with a stored transaction) and a summary range over 366 days (400); and any request
# with a cursor that the list did not give (400: any text has a cursor's shape). Every other check still runs on
# them, the no-server-error check included.
REFUSES_VALID_SHAPES = {
    "POST /api/cashless/locations/{code}/transactions/",
    "GET /api/cashless/locations/{code}/summaries/",
}


def aimed(case):
    """Most generated codes name nothing (404, checked too); two cases in three are sent to a record that exists,
    so that the operations behind the lookup are fuzzed as well. Decided by the case itself: replays match."""
    code = case.path_parameters.get("code") if case.path_parameters else None
    if isinstance(code, str) and len(code) % 3:
        case.path_parameters["code"] = LOCATION if case.path.startswith("/api/cashless/") else INDICATOR


# The fixtures are set up once per operation on purpose: every generated request runs against the same data
# (the pushes of earlier requests included, as on a live server).
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_api_conforms_to_its_schema_and_never_fails(case, api_data, keep_connection):
    aimed(case)
    token = api_data["operator"] if case.path.startswith("/api/cashless/") else api_data["bappeda"]
    refuses = case.operation.label in REFUSES_VALID_SHAPES or "cursor" in (case.query or {})
    excluded = [schemathesis.checks.positive_data_acceptance] if refuses else []
    headers = {"Authorization": f"Token {token}"}
    if len(json.dumps(case.body, default=str).encode()) > django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        # A generated body over the limit is refused whole, valid or not: 413, the documented answer.
        assert case.call(headers=headers).status_code == 413
        return
    case.call_and_validate(headers=headers, excluded_checks=excluded)
