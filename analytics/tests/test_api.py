"""The read-only JSON API: indicators from the registry, snapshots with filters, authentication and schema."""

import base64
import io
import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analytics import registry
from analytics.models import IndicatorBaseline, IndicatorSnapshot, IndicatorTarget
from smarteconomy.tokens import api_token_create

pytestmark = pytest.mark.django_db

CODE = "analytics.basis_sector_count"


def snapshot(period, *, code=CODE, pillar="leading_sectors", status="on_track", value=12.0):
    year = int(period[:4])
    month = int(period[5:]) if len(period) == 7 else 1
    return IndicatorSnapshot.objects.create(
        indicator_code=code,
        pillar=pillar,
        period=period,
        period_start=date(year, month, 1),
        value=value,
        target=12.0,
        achievement=value / 12 * 100,
        status=status,
        completeness={"present": 2, "expected": 2, "inputs": [], "note": ""},
        computed_at=timezone.now(),
    )


@pytest.fixture
def api(client, role_users):
    client.force_login(role_users["dkumkmp"])
    return client


def test_indicator_list_is_the_registry_in_the_request_language(api):
    api.cookies["django_language"] = "en"
    response = api.get(reverse("api:indicator-list"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    rows = {row["code"]: row for row in response.json()}
    assert set(rows) == {indicator.code for indicator in registry.all_indicators()}
    row = rows[CODE]
    assert row["name"] == "Basis sectors (LQ > 1)"
    assert row["pillar"] == "leading_sectors"
    assert (row["unit"], row["kind"], row["direction"], row["frequency"]) == ("count", "stock", "higher", "yearly")
    assert row["source_office"] == "bappeda"
    assert isinstance(row["definition"], str) and isinstance(row["formula"], str)


def test_indicator_detail_has_its_baseline_and_targets(api):
    IndicatorBaseline.objects.create(indicator_code=CODE, year=2019, value=12, source="BPS")
    IndicatorTarget.objects.create(indicator_code=CODE, year=2024, value=13)
    IndicatorTarget.objects.create(indicator_code=CODE, year=2023, value="12.5", note="RPJMD")
    IndicatorTarget.objects.create(indicator_code="analytics.competitive_sector_count", year=2023, value=5)
    data = api.get(reverse("api:indicator-detail", kwargs={"code": CODE})).json()
    assert data["code"] == CODE
    assert data["baseline"] == {"year": 2019, "value": 12, "source": "BPS"}
    assert data["targets"] == [
        {"year": 2023, "value": 12.5, "note": "RPJMD"},
        {"year": 2024, "value": 13, "note": ""},
    ]


def test_indicator_without_baseline(api):
    data = api.get(reverse("api:indicator-detail", kwargs={"code": CODE})).json()
    assert data["baseline"] is None
    assert data["targets"] == []


def test_unknown_indicator_is_a_json_404(api):
    response = api.get(reverse("api:indicator-detail", kwargs={"code": "analytics.nothing"}))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_snapshot_list(api):
    snapshot("2019")
    snapshot("2023", status="off_track", value=10.0)
    response = api.get(reverse("api:snapshot-list"))
    assert response.status_code == 200
    data = response.json()
    assert data["next"] is None and data["previous"] is None
    first = data["results"][0]
    assert set(first) == {
        "code",
        "pillar",
        "period",
        "value",
        "target",
        "achievement",
        "status",
        "completeness",
        "computed_at",
    }
    assert [(row["code"], row["period"], row["status"]) for row in data["results"]] == [
        (CODE, "2019", "on_track"),
        (CODE, "2023", "off_track"),
    ]
    assert first["completeness"]["expected"] == 2


@pytest.mark.parametrize(
    ("params", "periods"),
    [
        ({"indicator": CODE}, ["2019", "2023"]),
        ({"indicator": "analytics.competitive_sector_count"}, ["2023-05"]),
        ({"pillar": "cashless"}, ["2023-06"]),
        ({"period": "2023"}, ["2023"]),
        ({"status": "off_track"}, ["2023"]),
        ({"indicator": CODE, "status": "on_track"}, ["2019"]),
        ({"pillar": "online_licensing"}, []),
    ],
)
def test_snapshot_filters(api, params, periods):
    snapshot("2019")
    snapshot("2023", status="off_track")
    snapshot("2023-05", code="analytics.competitive_sector_count")
    snapshot("2023-06", code="cashless.example", pillar="cashless", status="incomplete")
    data = api.get(reverse("api:snapshot-list"), params).json()
    assert sorted(row["period"] for row in data["results"]) == periods


def test_snapshots_page_by_cursor(api):
    for year in range(2000, 2101):
        snapshot(str(year))
    url = reverse("api:snapshot-list")
    first = api.get(url).json()
    assert len(first["results"]) == 100 and first["next"]
    second = api.get(first["next"]).json()
    assert [row["period"] for row in second["results"]] == ["2100"]
    assert second["next"] is None


def test_snapshots_from_the_demo_recompute(client, reference_data, role_users):
    from analytics import demo
    from analytics.scorecard import indicators_recompute

    demo.seed(io.StringIO())
    indicators_recompute(full=True)
    client.force_login(role_users["bappeda"])
    data = client.get(reverse("api:snapshot-list"), {"indicator": CODE}).json()
    periods = {row["period"]: row for row in data["results"]}
    assert {"2019", "2023"} <= set(periods)
    assert periods["2023"]["target"] == 12
    assert periods["2023"]["value"] is not None
    assert periods["2023"]["completeness"]["present"] == periods["2023"]["completeness"]["expected"]


def test_snapshot_list_runs_a_constant_number_of_queries(api):
    url = reverse("api:snapshot-list")
    for year in range(2001, 2004):
        snapshot(str(year))
    api.get(url)  # the first request warms the session
    with CaptureQueriesContext(connection) as few:
        assert len(api.get(url).json()["results"]) == 3
    for year in range(2004, 2031):
        snapshot(str(year))
    with CaptureQueriesContext(connection) as many:
        assert len(api.get(url).json()["results"]) == 30
    assert len(many) == len(few)


def test_token_authentication(client, role_users):
    _token, key = api_token_create(user=role_users["operator_mall"])
    snapshot("2023")
    response = client.get(reverse("api:snapshot-list"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1
    assert client.get(reverse("api:indicator-list"), HTTP_AUTHORIZATION="Token wrong").status_code == 401


@pytest.mark.parametrize("name", ["api:indicator-list", "api:snapshot-list", "api:schema"])
def test_anonymous_is_refused(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_user_without_a_role_is_refused(client, make_user):
    client.force_login(make_user("nobody"))
    assert client.get(reverse("api:snapshot-list")).status_code == 403


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", reverse("api:indicator-list")),
        ("put", reverse("api:indicator-detail", kwargs={"code": CODE})),
        ("delete", reverse("api:indicator-detail", kwargs={"code": CODE})),
        ("post", reverse("api:snapshot-list")),
        ("delete", reverse("api:snapshot-list")),
        ("post", reverse("api:schema")),
    ],
)
def test_writes_are_not_allowed(client, role_users, method, url):
    _token, key = api_token_create(user=role_users["admin"])
    response = getattr(client, method)(
        url, data="{}", content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert response.status_code == 405


def test_schema_is_openapi_in_yaml_or_json(api):
    url = reverse("api:schema")
    yaml_response = api.get(url)
    assert yaml_response.status_code == 200
    assert yaml_response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert b"openapi: 3." in yaml_response.content
    for response in (api.get(url, {"format": "json"}), api.get(url, HTTP_ACCEPT="application/json")):
        assert response.status_code == 200
        schema = json.loads(response.content)
        assert schema["openapi"].startswith("3.")
        assert schema["info"]["title"] == "Smart Economy Balikpapan API"
        assert {"/api/indicators/", "/api/indicators/{code}/", "/api/snapshots/"} <= set(schema["paths"])
        assert set(schema["paths"]["/api/snapshots/"]) == {"get"}


@pytest.mark.parametrize(
    "params",
    [{"status": "AAA"}, {"status": ""}, {"pillar": "nope"}, {"period": ""}, {"period": "23"}, {"indicator": "x\x00"}],
)
def test_found_by_schemathesis_an_unknown_filter_value_is_400_not_an_empty_list(api, params):
    snapshot("2019")
    response = api.get(reverse("api:snapshot-list"), params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_found_by_schemathesis_the_schema_documents_each_answer(api):
    paths = api.get(reverse("api:schema") + "?format=json").json()["paths"]
    assert set(paths["/api/indicators/{code}/"]["get"]["responses"]) == {"200", "401", "403", "404"}
    assert set(paths["/api/snapshots/"]["get"]["responses"]) == {"200", "400", "401", "403"}
    assert api.get(reverse("api:snapshot-list"), {"cursor": "not-a-cursor"}).status_code == 400
    assert api.get(reverse("api:snapshot-list"), {"period": "2019", "indicator": CODE}).status_code == 200


@pytest.mark.parametrize(
    "cursor",
    [
        "bz0xJnA9JTI3",  # o=1&p=' : well formed, but ' is no id (a server error, issue 20 finding 9)
        base64.b64encode(b"p=2019-01-01").decode(),
        "not-a-cursor",  # not base64 (DRF answered 404, as if the list did not exist)
        base64.b64encode(b"o=-1").decode(),
        "\u00e9",
    ],
)
def test_a_cursor_the_list_did_not_give_is_a_400_saying_so(api, cursor):
    snapshot("2019")
    response = api.get(reverse("api:snapshot-list"), {"cursor": cursor})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == ["cursor"] and response.json()["cursor"][0]


@pytest.mark.parametrize("cursor", [base64.b64encode(b"p=99999999999999999999999").decode(), "%%%"])
def test_a_cursor_beyond_every_row_or_empty_is_no_error(api, cursor):
    snapshot("2019")
    assert api.get(reverse("api:snapshot-list"), {"cursor": cursor}).status_code == 200


def test_a_page_size_asked_for_is_ignored(api):
    for year in range(2000, 2130):
        snapshot(str(year))
    for page_size in ("-5", "0", "1000000", "x"):
        response = api.get(reverse("api:snapshot-list"), {"page_size": page_size})
        assert response.status_code == 200 and len(response.json()["results"]) == 100
    first = api.get(reverse("api:snapshot-list")).json()
    assert len(api.get(first["next"]).json()["results"]) == 30
