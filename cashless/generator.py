"""Synthetic e-parking logs for the demo, the tests and the benchmark: a realistic daily and hourly pattern
(morning and evening peaks, busier weekends at the mall, flights at the airport), the operator's payment
mix, and network-failure episodes during which most cashless attempts fail and drivers pay cash instead.

Vectorised with numpy so that three months of two locations (a few hundred thousand rows) take a second or
two, and ten million rows are written in chunks."""

import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from django.utils import timezone

from .ingest import COLUMNS, WITA

HOURLY = np.array(
    [
        0.2,
        0.1,
        0.1,
        0.1,
        0.3,
        0.8,
        2.0,
        4.0,
        5.5,
        5.5,
        5.5,
        6.0,
        6.5,
        6.0,
        5.5,
        5.5,
        6.5,
        7.5,
        8.0,
        7.0,
        5.5,
        3.5,
        1.5,
        0.6,
    ]
)
HOURLY = HOURLY / HOURLY.sum()
VEHICLES = np.array(["motorcycle", "car", "bus", "other"])
TARIFF_FIRST = np.array([5000, 10_000, 20_000, 10_000])
TARIFF_NEXT = np.array([2000, 4000, 8000, 4000])
FAILURE_REASONS = np.array(["network timeout", "issuer host unreachable", "insufficient balance", "card read error"])


@dataclass
class Profile:
    """One location's traffic: transactions per day, payment mix, issuers and its network-failure days."""

    code: str
    per_day: int
    weekend_factor: float
    vehicle_mix: tuple
    method_mix: dict  # {"qris": p, "emoney": p, "cash": p, "other": p}
    issuers: dict = field(default_factory=dict)  # method -> [issuer names]
    failure_rate: float = 0.03
    outages: tuple = ()  # ((date, first hour, last hour), ...)
    gates: tuple = ("G1", "G2")


def profiles(start):
    """The demo locations with their network-failure episodes in the demo period starting at ``start``."""
    return [
        Profile(
            code="SEPINGGAN",
            per_day=2400,
            weekend_factor=1.15,
            vehicle_mix=(0.35, 0.58, 0.03, 0.04),
            method_mix={"qris": 0.62, "emoney": 0.08, "cash": 0.28, "other": 0.02},
            issuers={
                "qris": ["QRIS BRI", "QRIS Mandiri", "QRIS BNI", "GoPay", "OVO", "DANA"],
                "emoney": ["Mandiri e-money", "TapCash BNI", "Brizzi", "Flazz"],
            },
            failure_rate=0.025,
            outages=(
                (start + timedelta(days=17), 9, 13),
                (start + timedelta(days=51), 16, 20),
                (start + timedelta(days=80), 7, 10),
            ),
            gates=("T1-IN", "T1-OUT", "T2-OUT"),
        ),
        Profile(
            code="BSB",
            per_day=3200,
            weekend_factor=1.45,
            vehicle_mix=(0.55, 0.42, 0.01, 0.02),
            method_mix={"qris": 0.12, "emoney": 0.55, "cash": 0.31, "other": 0.02},
            issuers={
                "qris": ["QRIS BNI", "GoPay", "ShopeePay"],
                "emoney": ["TapCash BNI", "Mandiri e-money", "Brizzi", "Flazz"],
            },
            failure_rate=0.035,
            outages=((start + timedelta(days=33), 18, 22), (start + timedelta(days=62), 12, 15)),
            gates=("P1", "P2", "B1"),
        ),
    ]


def generate_frame(profile, first_day, days, *, seed=0, id_prefix=""):
    """A DataFrame with the CSV columns (text) for ``days`` days from ``first_day``."""
    rng = np.random.default_rng(seed)
    day_list = [first_day + timedelta(days=i) for i in range(days)]
    counts = np.array(
        [rng.poisson(profile.per_day * (profile.weekend_factor if day.weekday() >= 5 else 1.0)) for day in day_list]
    )
    n = int(counts.sum())
    day_index = np.repeat(np.arange(days), counts)
    hours = rng.choice(24, size=n, p=HOURLY)
    seconds = rng.integers(0, 3600, size=n)
    base = np.array([np.datetime64(datetime.combine(day, datetime.min.time())) for day in day_list])
    entry = base[day_index] + (hours * 3600 + seconds).astype("timedelta64[s]")
    stay_minutes = rng.gamma(2.0, 55.0, size=n).astype(int) + 5
    exit_ = entry + (stay_minutes * 60).astype("timedelta64[s]")
    vehicle = rng.choice(len(VEHICLES), size=n, p=profile.vehicle_mix)
    extra_hours = np.maximum(0, np.ceil(stay_minutes / 60) - 1).astype(int)
    amount = TARIFF_FIRST[vehicle] + TARIFF_NEXT[vehicle] * extra_hours
    methods = np.array(list(profile.method_mix))
    method = methods[rng.choice(len(methods), size=n, p=list(profile.method_mix.values()))]
    cashless = np.isin(method, ["qris", "emoney"])
    fail_p = np.where(cashless, profile.failure_rate, 0.0)
    exit_hour = (exit_.astype("datetime64[h]") - exit_.astype("datetime64[D]")).astype(int)
    exit_day = exit_.astype("datetime64[D]")
    for outage_day, first_hour, last_hour in profile.outages:
        during = (exit_day == np.datetime64(outage_day)) & (exit_hour >= first_hour) & (exit_hour <= last_hour)
        fail_p = np.where(during & cashless, 0.55, fail_p)
    failed = rng.random(n) < fail_p
    voided = ~failed & (rng.random(n) < 0.004)
    status = np.where(failed, "failed", np.where(voided, "voided", "paid"))
    reason = np.where(failed, FAILURE_REASONS[rng.choice(len(FAILURE_REASONS), size=n, p=(0.55, 0.2, 0.15, 0.1))], "")
    issuer = np.full(n, "", dtype=object)
    for name, names in profile.issuers.items():
        mask = method == name
        issuer[mask] = np.array(names, dtype=object)[rng.integers(0, len(names), size=mask.sum())]
    gate = np.array(profile.gates, dtype=object)[rng.integers(0, len(profile.gates), size=n)]
    exit_text = pd.Series(pd.to_datetime(exit_).strftime("%Y-%m-%dT%H:%M:%S+08:00"))
    exit_text[voided] = ""
    frame = pd.DataFrame(
        {
            "transaction_id": [f"{id_prefix}{profile.code}-{i:09d}" for i in range(n)],
            "entry_time": pd.to_datetime(entry).strftime("%Y-%m-%dT%H:%M:%S+08:00"),
            "exit_time": exit_text,
            "vehicle_class": VEHICLES[vehicle],
            "amount": np.where(voided, 0, amount).astype(str),
            "payment_method": method,
            "issuer": issuer,
            "status": status,
            "failure_reason": reason,
            "gate": gate,
        },
        columns=list(COLUMNS),
    )
    return frame


def to_csv_bytes(frame):
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def write_rows(path, rows, *, code="BENCH", start=None, seed=1):
    """Write a CSV of about ``rows`` transactions (a day's pattern repeated over as many days as needed), from
    ``start`` or, without it, ending the day before yesterday (WITA): the import refuses times in the future."""
    per_chunk_days = 30
    days_needed = max(1, rows // profiles(date(2025, 1, 1))[0].per_day + 1)
    if start is None:
        start = timezone.localdate() - timedelta(days=days_needed + 61)
    profile = profiles(start)[0]
    profile.code = code
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        day = 0
        first = True
        while written < rows and day < days_needed + 60:
            chunk_days = min(per_chunk_days, days_needed - day) if days_needed > day else 1
            frame = generate_frame(
                profile, start + timedelta(days=day), chunk_days, seed=seed + day, id_prefix=f"D{day}-"
            )
            frame = frame.iloc[: rows - written]
            frame.to_csv(out, index=False, header=first)
            written += len(frame)
            first = False
            day += chunk_days
    return written


def localize(text):
    """An ISO time of the generator as an aware datetime (for tests)."""
    return datetime.fromisoformat(text).astimezone(WITA)
