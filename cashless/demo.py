"""Demo e-parking data: the two locations of the study (Sepinggan airport, QRIS; Balikpapan Superblock,
tapcash e-money cards) with their tariffs, the demo operators linked to them (each with an API token), and
three months of transactions (the 91 days up to yesterday) with a realistic daily and hourly pattern and a few
network-failure episodes. Inserted in bulk (a few seconds), then summarised. Idempotent."""

from datetime import date, timedelta

import numpy as np
import pandas as pd
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from smarteconomy.periods import months_between
from smarteconomy.sources import ensure_unlocked, stop_if_locked
from smarteconomy.tokens import api_token_create

from .generator import generate_frame, profiles
from .ingest import WITA
from .models import OperatorMembership, ParkingLocation, ParkingTransaction, TariffScheme
from .services import daily_summary_rebuild_all
from .sources import PARKING_SOURCE

DAYS = 91
DEMO_NOTE = "data demo, bukan catatan operator"
# A smaller volume than the real locations (a few thousand a day) keeps `make run` fast.
PER_DAY = {"SEPINGGAN": 500, "BSB": 650}

LOCATIONS = [
    {
        "code": "SEPINGGAN",
        "name": "Bandara Internasional Sultan Aji Muhammad Sulaiman Sepinggan",
        "operator_name": f"Operator parkir bandara ({DEMO_NOTE})",
        "address": "Jl. Marsma R. Iswahyudi, Sepinggan, Balikpapan Selatan",
        "user": "operator_airport",
        "tariff": {
            "legal_reference": f"Perjanjian kerja sama operator dengan Pemerintah Kota ({DEMO_NOTE})",
            "motorcycle_first_hour": 5000,
            "motorcycle_next_hour": 2000,
            "car_first_hour": 10000,
            "car_next_hour": 4000,
            "bus_first_hour": 20000,
            "bus_next_hour": 8000,
        },
    },
    {
        "code": "BSB",
        "name": "Balikpapan Superblock",
        "operator_name": f"Operator parkir pusat perbelanjaan ({DEMO_NOTE})",
        "address": "Jl. Jenderal Sudirman, Balikpapan Kota",
        "user": "operator_mall",
        "tariff": {
            "legal_reference": f"Perda Kota Balikpapan 4/2017 dan perjanjian pengelola ({DEMO_NOTE})",
            "motorcycle_first_hour": 2000,
            "motorcycle_next_hour": 1000,
            "car_first_hour": 5000,
            "car_next_hour": 2000,
            "bus_first_hour": 10000,
            "bus_next_hour": 4000,
        },
    },
]

INSERT_COLUMNS = (
    "location_id",
    "transaction_id",
    "entry_time",
    "exit_time",
    "vehicle_class",
    "amount",
    "payment_method",
    "issuer",
    "status",
    "failure_reason",
    "gate",
    "business_date",
    "business_hour",
)


def _rows(location, frame):
    """The generator's text columns as database rows, business date and hour computed once, vectorised."""
    entry = pd.to_datetime(frame["entry_time"], utc=True)
    exit_ = pd.to_datetime(frame["exit_time"].replace("", None), utc=True)
    moment = exit_.fillna(entry).dt.tz_convert(WITA)
    columns = [
        np.full(len(frame), location.pk),
        frame["transaction_id"].to_numpy(),
        entry.dt.to_pydatetime(),
        np.array([None if pd.isna(value) else value.to_pydatetime() for value in exit_], dtype=object),
        frame["vehicle_class"].to_numpy(),
        frame["amount"].astype(int).to_numpy(),
        frame["payment_method"].to_numpy(),
        frame["issuer"].to_numpy(),
        frame["status"].to_numpy(),
        frame["failure_reason"].to_numpy(),
        frame["gate"].to_numpy(),
        moment.dt.date.to_numpy(),
        moment.dt.hour.to_numpy(),
    ]
    for values in zip(*columns, strict=True):
        yield tuple(value.item() if hasattr(value, "item") else value for value in values)


def _start():
    """The first demo day: the demo ends yesterday (WITA)."""
    return timezone.localdate() - timedelta(days=DAYS)


def _insert(location, frame, start):
    table = ParkingTransaction._meta.db_table
    placeholders = ", ".join(["%s"] * len(INSERT_COLUMNS))
    sql = f"INSERT INTO {table} ({', '.join(INSERT_COLUMNS)}) VALUES ({placeholders})"
    # Cars still parked after midnight of the last demo day would open a month with a handful of rows.
    last_day = start + timedelta(days=DAYS - 1)
    rows = [row for row in _rows(location, frame) if row[-2] <= last_day]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 20_000):
            cursor.executemany(sql, rows[start : start + 20_000])
    return len(rows)


def seed(stdout):
    User = get_user_model()
    added = 0
    # The log is inserted past the importer: the lock of each location's months is checked before (a refusal rolls
    # back the whole loader).
    with stop_if_locked("cashless demo"), transaction.atomic():
        for spec in LOCATIONS:
            location, _created = ParkingLocation.objects.update_or_create(
                code=spec["code"],
                defaults={key: spec[key] for key in ("name", "operator_name", "address")},
            )
            TariffScheme.objects.update_or_create(
                location=location, valid_from=date(2024, 1, 1), defaults=spec["tariff"]
            )
            user = User.objects.filter(username=spec["user"]).first()
            if user is not None:
                OperatorMembership.objects.get_or_create(user=user, location=location)
                # The operator's API token; its key is not shown (make one with `manage.py create_api_token`).
                if not user.api_tokens.exists():
                    api_token_create(user=user, name="demo")
            if ParkingTransaction.objects.filter(location=location).exists():
                continue
            start = _start()
            ensure_unlocked(PARKING_SOURCE, months_between(start, start + timedelta(days=DAYS - 1)), part=location.code)
            profile = next(p for p in profiles(start) if p.code == spec["code"])
            # The test settings shrink the daily volume (DEMO_CASHLESS_SCALE): the browser tests seed the demo each.
            scale = getattr(settings, "DEMO_CASHLESS_SCALE", 1.0)
            profile.per_day = max(1, round(PER_DAY[spec["code"]] * scale))
            frame = generate_frame(profile, start, DAYS, seed=len(spec["code"]), id_prefix="DEMO-")
            added += _insert(location, frame, start)
        if added:
            daily_summary_rebuild_all()
    stdout.write(f"Cashless e-parking: {len(LOCATIONS)} locations, {added} demo transactions added.")
    _scorecard(stdout)


def _scorecard(stdout):
    """Demo targets (marked as demo) for the years of the demo; seed_demo then recomputes the scorecard."""
    from analytics.scorecard import indicator_target_set

    bappeda = get_user_model().objects.filter(username="bappeda").first()
    for year in sorted({_start().year, timezone.localdate().year}):
        for code, value in [("cashless.cashless_share", 70), ("cashless.failure_rate", 3)]:
            indicator_target_set(indicator_code=code, year=year, value=value, note="Demo target", by=bappeda)
