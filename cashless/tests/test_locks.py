"""The lock of an approved month of one parking location: the operator's upload and the push API (409 with the
lock's facts) refuse the whole file and list every row of the locked month, the back office refuses to delete its
transactions; another location's same month stays open; after a reopening the same writes go through."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from cashless.models import DirtyDate, ParkingLocation, ParkingTransaction
from cashless.services import parking_transactions_import
from cashless.sources import PARKING_SOURCE
from smarteconomy.choices import ImportStatus
from smarteconomy.testing_locks import flash, lock_period, reopen_period, says_locked, superuser
from smarteconomy.tokens import api_token_create

from .factories import csv_of, link, make_location, row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def locations(role_users):
    airport, mall = make_location(), make_location("BSB", "Balikpapan Superblock")
    ParkingLocation.objects.filter(pk__in=[airport.pk, mall.pk]).update(reporting_since=date(2025, 1, 1))
    link(role_users["operator_airport"], airport)
    link(role_users["operator_mall"], mall)
    lock_period(PARKING_SOURCE, "2025-03", role_users, part="SEPINGGAN")
    return ParkingLocation.objects.get(code="SEPINGGAN"), ParkingLocation.objects.get(code="BSB")


FILE = csv_of(
    row("T1", "2025-02-28T09:00:00+08:00", "2025-02-28T10:00:00+08:00"),  # February: open
    row("T2", "2025-03-04T09:00:00+08:00", "2025-03-04T10:30:00+08:00"),  # March: locked (exit time)
    row("T3", "2025-03-31T23:00:00+08:00", "2025-04-01T00:30:00+08:00"),  # leaves in April: an April day
    row("T4", "2025-03-10T08:00:00+08:00", ""),  # still parked: its entry day, in March
    row("T5", "2025-03-10T08:00:00+00:00", "2025-03-10T09:00:00+00:00"),  # 16:00 WITA: March
)


def test_the_upload_lists_every_row_of_the_locked_month_and_writes_nothing(role_users, locations):
    airport, mall = locations
    batch = parking_transactions_import(
        location=airport, data=FILE, filename="log.csv", user=role_users["operator_airport"]
    )
    assert batch.status == ImportStatus.REFUSED
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "exit_time"), (5, "entry_time"), (6, "exit_time")]
    message = batch.errors[0]["message"]
    assert says_locked(message, "2025-03") and "Bandara Sepinggan" in message and "bappeda" in message
    assert {e["period"] for e in batch.errors} == {"2025-03"}
    assert not ParkingTransaction.objects.exists() and not DirtyDate.objects.exists()

    dry = parking_transactions_import(
        location=airport, data=FILE, filename="log.csv", user=role_users["operator_airport"], dry_run=True
    )
    assert dry.status == ImportStatus.REFUSED and dry.errors_count == 3

    # The lock is the location's: the mall's March is open.
    other = parking_transactions_import(location=mall, data=FILE, filename="log.csv", user=role_users["operator_mall"])
    assert other.status == ImportStatus.COMMITTED, other.errors
    assert ParkingTransaction.objects.filter(location=mall).count() == 5

    reopen_period(PARKING_SOURCE, "2025-03", role_users, part="SEPINGGAN")
    again = parking_transactions_import(
        location=airport, data=FILE, filename="log.csv", user=role_users["operator_airport"]
    )
    assert again.status == ImportStatus.COMMITTED, again.errors
    assert ParkingTransaction.objects.filter(location=airport).count() == 5


def test_the_upload_page_shows_the_locked_rows(client, role_users, locations):
    from django.core.files.uploadedfile import SimpleUploadedFile

    airport, _mall = locations
    client.force_login(role_users["operator_airport"])
    response = client.post(
        reverse("cashless:upload"),
        {"location": airport.pk, "file": SimpleUploadedFile("log.csv", FILE, content_type="text/csv")},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "is locked" in page and "2025-03" in page
    assert not ParkingTransaction.objects.exists()


def test_the_push_api_answers_409_with_the_lock(role_users, locations):
    client = APIClient()
    _token, key = api_token_create(user=role_users["operator_airport"])
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    item = {
        "transaction_id": "A1",
        "entry_time": "2025-03-04T09:00:00+08:00",
        "exit_time": "2025-03-04T10:10:00+08:00",
        "vehicle_class": "car",
        "amount": 6000,
        "payment_method": "emoney",
        "status": "paid",
    }
    open_item = {**item, "transaction_id": "A2", "entry_time": "2025-04-02T09:00:00+08:00", "exit_time": None}
    url = "/api/cashless/locations/SEPINGGAN/transactions/"
    response = client.post(url, {"transactions": [open_item, item]}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "period_locked" and body["status"] == "refused" and body["created"] == 0
    assert says_locked(body["detail"], "2025-03")
    assert body["source"] == PARKING_SOURCE and body["part"] == "SEPINGGAN" and body["periods"] == ["2025-03"]
    assert body["locked_by"] == "bappeda" and body["locked_at"] and "reopen" in body["reopen"]
    assert body["errors"] == [{"index": 1, "field": "exit_time", "message": body["detail"]}]
    assert not ParkingTransaction.objects.exists()

    reopen_period(PARKING_SOURCE, "2025-03", role_users, part="SEPINGGAN")
    response = client.post(url, {"transactions": [open_item, item]}, format="json")
    assert response.status_code == 201 and ParkingTransaction.objects.count() == 2


def test_the_back_office_refuses_to_delete_a_locked_day(client, role_users, locations, make_user):
    airport, _mall = locations
    reopen_period(PARKING_SOURCE, "2025-03", role_users, part="SEPINGGAN")
    parking_transactions_import(location=airport, data=FILE, filename="log.csv", user=role_users["operator_airport"])
    lock_period(PARKING_SOURCE, "2025-03", role_users, part="SEPINGGAN")
    DirtyDate.objects.all().delete()
    march = ParkingTransaction.objects.get(transaction_id="T2")
    client.force_login(superuser(make_user))
    delete = reverse("admin:cashless_parkingtransaction_delete", args=[march.pk])
    response = client.post(delete, {"post": "yes"})
    assert response.status_code == 302
    assert says_locked(flash(client, response), "2025-03")
    changelist = reverse("admin:cashless_parkingtransaction_changelist")
    all_rows = list(ParkingTransaction.objects.values_list("pk", flat=True))
    response = client.post(changelist, {"action": "delete_selected", "_selected_action": all_rows, "post": "yes"})
    assert response.status_code == 302
    assert ParkingTransaction.objects.count() == 5 and not DirtyDate.objects.exists()

    # February is open: its transaction may be deleted (a repair).
    february = ParkingTransaction.objects.get(transaction_id="T1")
    client.post(reverse("admin:cashless_parkingtransaction_delete", args=[february.pk]), {"post": "yes"})
    assert not ParkingTransaction.objects.filter(pk=february.pk).exists()

    reopen_period(PARKING_SOURCE, "2025-03", role_users, part="SEPINGGAN")
    client.post(delete, {"post": "yes"})
    assert not ParkingTransaction.objects.filter(pk=march.pk).exists()
