"""Shared set-up of the benchmark scripts: Django on the configured database (PostgreSQL via DATABASE_URL), a
throw-away test database with the demo data, and the median of repeated timings."""

import contextlib
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smarteconomy.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "30"))


def median_ms(func, runs=RUNS):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def engine():
    return settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]


@contextlib.contextmanager
def demo_database():
    """A fresh test database with seed_demo loaded; destroyed afterwards."""
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("seed_demo", stdout=io.StringIO())
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def report(title, results, floor="floor"):
    print(f"{title}, {engine()}, median of {RUNS} runs")
    for name, value in results.items():
        print(f"  {name:<10} {value:8.1f} ms   ratio to {floor} {value / results[floor]:5.1f}")
