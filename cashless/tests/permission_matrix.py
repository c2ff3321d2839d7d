"""The cashless pages and API in the permission matrix (see smarteconomy/testing.py).

The airport operator is a member of SEPINGGAN, the mall operator of BSB. Another operator's location is a
404 (as if it did not exist); offices without a parking role get 403; the API answers 401 without a token."""

from cashless.models import OperatorMembership, ParkingLocation
from smarteconomy.testing import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, Case

AIRPORT_PK, MALL_PK = 9001, 9002

READ = {"*": FORBIDDEN, "anonymous": LOGIN, "operator_airport": OK, "operator_mall": OK, "bappeda": OK, "admin": OK}
UPLOAD = {"*": FORBIDDEN, "anonymous": LOGIN, "operator_airport": OK, "operator_mall": OK}
API_READ = {**READ, "anonymous": 401}


def locations(users):
    airport, _ = ParkingLocation.objects.get_or_create(
        pk=AIRPORT_PK, defaults={"code": "SEPINGGAN", "name": "Bandara Sepinggan", "operator_name": "AP"}
    )
    mall, _ = ParkingLocation.objects.get_or_create(
        pk=MALL_PK, defaults={"code": "BSB", "name": "Balikpapan Superblock", "operator_name": "BSB"}
    )
    OperatorMembership.objects.get_or_create(user=users["operator_airport"], location=airport)
    OperatorMembership.objects.get_or_create(user=users["operator_mall"], location=mall)
    return {}


PUSH = {
    "transactions": [
        {
            "transaction_id": "MATRIX-1",
            "entry_time": "2025-08-04T09:00:00+08:00",
            "exit_time": "2025-08-04T10:00:00+08:00",
            "vehicle_class": "car",
            "amount": 5000,
            "payment_method": "qris",
            "status": "paid",
        }
    ]
}


def airport_code(users):
    locations(users)
    return {"code": "SEPINGGAN"}


# The airport's pages asked for by the mall's operator: 404, as if the location did not exist.
AIRPORT_ONLY = {**READ, "operator_mall": NOT_FOUND}

MATRIX = [
    Case("cashless:summary", READ, kwargs=locations),
    Case("cashless:transaction_list", READ, kwargs=locations),
    Case(
        "cashless:summary",
        AIRPORT_ONLY,
        kwargs=locations,
        data={"location": "SEPINGGAN"},
        label="summary of the airport",
    ),
    Case(
        "cashless:transaction_list",
        AIRPORT_ONLY,
        kwargs=locations,
        data={"location": str(AIRPORT_PK)},
        label="transaction_list of the airport",
    ),
    Case(
        "cashless:transaction_list",
        AIRPORT_ONLY,
        kwargs=locations,
        data={"location": str(AIRPORT_PK), "export": "csv"},
        label="transaction_list export CSV of the airport",
    ),
    Case(
        "cashless:transaction_list",
        AIRPORT_ONLY,
        kwargs=locations,
        data={"location": str(AIRPORT_PK), "export": "xlsx"},
        label="transaction_list export XLSX of the airport",
    ),
    Case("cashless:upload", UPLOAD, kwargs=locations),
    Case(
        "cashless:upload",
        {**UPLOAD, "operator_airport": 400, "operator_mall": NOT_FOUND},
        kwargs=locations,
        method="post",
        data={"location": str(AIRPORT_PK)},  # no file: the airport's operator gets the form back (400)
        label="upload (POST to the airport's location)",
    ),
    Case("cashless_api:location_list", API_READ),
    Case("cashless_api:summary_list", {**API_READ, "operator_mall": NOT_FOUND}, kwargs=airport_code),
    # An unknown code answers exactly like another operator's location.
    Case(
        "cashless_api:summary_list",
        {
            **API_READ,
            "operator_airport": NOT_FOUND,
            "operator_mall": NOT_FOUND,
            "bappeda": NOT_FOUND,
            "admin": NOT_FOUND,
        },
        kwargs={"code": "NO-SUCH"},
        label="summary_list unknown location",
    ),
    Case(
        "cashless_api:transaction_push",
        # JSON from the mall's operator to the airport's location: 404 before anything is read or written.
        {
            **API_READ,
            "operator_airport": 201,
            "operator_mall": NOT_FOUND,
            "bappeda": FORBIDDEN,
            "admin": FORBIDDEN,
        },
        kwargs=airport_code,
        method="post",
        data=PUSH,
        json=True,
        label="transaction_push (JSON) to the airport",
    ),
    Case(
        "cashless_api:transaction_push",
        # A form post is not JSON (415) for the location's operator; Bappeda and the admins read only (403).
        {
            **API_READ,
            "operator_airport": 415,
            "operator_mall": NOT_FOUND,
            "bappeda": FORBIDDEN,
            "admin": FORBIDDEN,
        },
        kwargs=airport_code,
        method="post",
        data={"transactions": "x"},
    ),
    Case(
        "cashless_api:transaction_push",
        {
            **API_READ,
            "operator_airport": NOT_ALLOWED,
            "operator_mall": NOT_ALLOWED,
            "bappeda": NOT_ALLOWED,
            "admin": NOT_ALLOWED,
        },
        kwargs=airport_code,
        label="transaction_push (GET)",
    ),
]
