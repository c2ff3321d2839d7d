"""The operators' API: push batches with the importer's checks, idempotent, conflicts, scoping, summaries."""

import pytest
from rest_framework.test import APIClient

from cashless.models import DailySummary, ParkingTransaction
from smarteconomy.tokens import api_token_create

from .factories import link, make_location

pytestmark = pytest.mark.django_db


def item(tid="A1", **overrides):
    row = {
        "transaction_id": tid,
        "entry_time": "2025-03-04T09:00:00+08:00",
        "exit_time": "2025-03-04T10:10:00+08:00",
        "vehicle_class": "car",
        "amount": 6000,
        "payment_method": "emoney",
        "issuer": "TapCash BNI",
        "status": "paid",
        "failure_reason": "",
        "gate": "P1",
    }
    row.update(overrides)
    return row


@pytest.fixture
def api(role_users):
    airport, mall = make_location(), make_location("BSB", "Balikpapan Superblock")
    link(role_users["operator_airport"], airport)
    link(role_users["operator_mall"], mall)

    def client_for(username):
        client = APIClient()
        _token, key = api_token_create(user=role_users[username])
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return client_for


def push(client, rows, code="SEPINGGAN", query=""):
    return client.post(f"/api/cashless/locations/{code}/transactions/{query}", {"transactions": rows}, format="json")


def test_an_operator_pushes_a_batch_and_pushing_it_again_adds_nothing(api):
    client = api("operator_airport")
    rows = [item(f"A{i}", amount=1000 * i) for i in range(1, 6)] + [
        item("F1", status="failed", failure_reason="timeout")
    ]
    first = push(client, rows)
    assert first.status_code == 201, first.json()
    assert first.json()["created"] == 6 and first.json()["status"] == "committed"
    again = push(client, rows)
    assert again.status_code == 200 and again.json()["created"] == 0
    assert ParkingTransaction.objects.count() == 6
    summaries = client.get("/api/cashless/locations/SEPINGGAN/summaries/?from=2025-03-01&to=2025-03-31").json()
    paid = [row for row in summaries if row["status"] == "paid"]
    assert sum(row["count"] for row in paid) == 5 and sum(row["amount"] for row in paid) == 15000
    assert sum(DailySummary.objects.values_list("count", flat=True)) == 6


def test_a_conflict_or_a_bad_row_refuses_the_whole_batch_and_names_its_index(api):
    client = api("operator_airport")
    push(client, [item("A1")])
    conflict = push(client, [item("A2"), item("A1", amount=9999)])
    assert conflict.status_code == 422
    assert conflict.json()["errors"][0]["index"] == 1 and conflict.json()["errors"][0]["field"] == "transaction_id"
    bad = push(client, [item("A3"), item("A4", entry_time="yesterday")])
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"index": 1, "field": "entry_time", "message": bad.json()["errors"][0]["message"]}]
    assert set(ParkingTransaction.objects.values_list("transaction_id", flat=True)) == {"A1"}


def test_shape_errors_and_oversized_batches_are_400(api):
    client = api("operator_airport")
    assert push(client, [item("A1", vehicle_class="tank")]).status_code == 400
    assert push(client, [{"transaction_id": "X"}]).status_code == 400
    assert push(client, [item(f"B{i}") for i in range(10_001)]).status_code == 400
    assert client.post("/api/cashless/locations/SEPINGGAN/transactions/", [1, 2], format="json").status_code == 400
    assert ParkingTransaction.objects.count() == 0


def test_an_operator_can_neither_push_to_nor_read_another_location(api):
    client = api("operator_mall")
    assert push(client, [item("A1")], code="SEPINGGAN").status_code == 404
    assert client.get("/api/cashless/locations/SEPINGGAN/summaries/").status_code == 404
    assert [row["code"] for row in client.get("/api/cashless/locations/").json()] == ["BSB"]
    assert ParkingTransaction.objects.count() == 0


def test_bappeda_reads_every_location_but_pushes_nothing(api):
    client = api("bappeda")
    assert {row["code"] for row in client.get("/api/cashless/locations/").json()} == {"SEPINGGAN", "BSB"}
    assert push(client, [item("A1")]).status_code == 403


def test_a_dry_run_writes_nothing(api):
    response = push(api("operator_airport"), [item("A1")], query="?dry_run=true")
    assert response.status_code == 200 and response.json()["status"] == "validated"
    assert ParkingTransaction.objects.count() == 0


def test_the_one_openapi_schema_documents_the_operator_endpoints(api):
    response = api("bappeda").get("/api/schema/?format=json")
    paths = response.json()["paths"]
    assert "/api/cashless/locations/{code}/transactions/" in paths
    assert "/api/snapshots/" in paths  # the same schema as the scorecard API


def test_found_by_schemathesis_an_empty_batch_an_amount_over_the_limit_and_an_empty_date_are_400(api):
    """The schema now states them (minItems 1, maximum of the amount), and the answers follow it."""
    client = api("operator_airport")
    assert push(client, []).status_code == 400
    assert push(client, [item("A1", amount=100_000_001)]).status_code == 400
    assert client.get("/api/cashless/locations/SEPINGGAN/summaries/?to=").status_code == 400
    assert client.get("/api/cashless/locations/SEPINGGAN/summaries/").status_code == 200
    schema = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    transactions = schema["PushRequest"]["properties"]["transactions"]
    assert (transactions["minItems"], transactions["maxItems"]) == (1, 10_000)
    assert schema["TransactionInRequest"]["properties"]["amount"]["maximum"] == 100_000_000
    assert ParkingTransaction.objects.count() == 0


def test_a_nul_character_in_the_location_code_is_404_not_a_server_error(api):
    """On PostgreSQL the lookup failed with a DataError (500): a text cannot hold NUL."""
    client = api("operator_airport")
    assert client.get("/api/cashless/locations/SEP%00/summaries/").status_code == 404
    assert push(client, [item("A1")], code="SEP%00").status_code == 404


@pytest.mark.parametrize("depth", [100_000, 5_000, 21])
def test_a_deeply_nested_body_is_a_400_saying_so(api, depth):
    """Issue 20 finding 9: a body of 100,000 nested arrays made the parser fail with a RecursionError (a 500)."""
    client = api("operator_airport")
    for body in ("[" * depth + "]" * depth, '{"transactions": ' + "[" * depth + "]" * depth + "}"):
        response = client.post("/api/cashless/locations/SEPINGGAN/transactions/", body, content_type="application/json")
        assert response.status_code == 400
        assert "20" in response.json()["detail"]  # the depth allowed, in the request's language
    assert not ParkingTransaction.objects.exists()


def test_a_body_as_deep_as_allowed_is_read_and_refused_for_its_shape_only(api):
    client = api("operator_airport")
    nested = "[" * 19 + "]" * 19
    response = client.post(
        "/api/cashless/locations/SEPINGGAN/transactions/",
        '{"transactions": ' + nested + "}",
        content_type="application/json",
    )
    assert response.status_code == 400 and "transactions" in response.json()
    assert push(client, [item()]).status_code == 201
