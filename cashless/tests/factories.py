"""Test helpers: locations, operators and small CSV logs."""

from datetime import date

from cashless.generator import generate_frame, profiles, to_csv_bytes
from cashless.ingest import COLUMNS
from cashless.models import OperatorMembership, ParkingLocation

HEADER = ",".join(COLUMNS)


def make_location(code="SEPINGGAN", name="Bandara Sepinggan", operator="PT Angkasa Pura"):
    return ParkingLocation.objects.get_or_create(code=code, defaults={"name": name, "operator_name": operator})[0]


def link(user, location):
    OperatorMembership.objects.get_or_create(user=user, location=location)
    return user


def csv_of(*rows, header=HEADER):
    return ("\n".join([header, *rows]) + "\n").encode()


def row(
    tid="T1",
    entry="2025-03-04T09:00:00+08:00",
    exit_="2025-03-04T10:30:00+08:00",
    vehicle="car",
    amount="6000",
    method="qris",
    issuer="QRIS BRI",
    status="paid",
    reason="",
    gate="G1",
):
    return ",".join([tid, entry, exit_, vehicle, amount, method, issuer, status, reason, gate])


def day_file(code="SEPINGGAN", day=date(2025, 3, 4), days=1, seed=3, per_day=None):
    profile = next(p for p in profiles(day) if p.code == code)
    if per_day:
        profile.per_day = per_day
    return to_csv_bytes(generate_frame(profile, day, days, seed=seed))
