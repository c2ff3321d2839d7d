"""Server time of the leading-sectors page (target: under 200 ms) against the floor for the same work.

Run on PostgreSQL, as production runs:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/smarteconomy .venv/bin/python bench/leading_sectors_page.py

It creates a throw-away test database, loads the demo data, and times (median of N runs):
  floor     the same SQL fetch and the same pandas computations, called directly (no Django view,
            no templates): the least work that can produce these numbers
  cold      the page with an empty cache (computation, tables, charts and templates)
  warm      the page served from the cache (what Bappeda gets on the second view of the day)
and prints each with its ratio to the floor.
"""

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
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "30"))


def median_ms(func):
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("seed_demo", stdout=io.StringIO())
        from analytics import economics as ec
        from analytics.models import Region
        from analytics.selectors import grdp_long_frame, sector_order

        region, reference = Region.objects.get(code="64.71"), Region.objects.get(code="64")
        order = sector_order()

        def floor():
            frame = grdp_long_frame(region_codes=["64.71", "64"], price_basis="ADHK", start=2019, end=2023)
            panel = ec.panel_from_long(frame, region="64.71", reference="64", sector_order=order)
            ec.lq_summary(panel, 2019, 2023)
            ec.dynamic_lq(panel, 2019, 2023)
            ec.shift_share(panel, 2019, 2023)
            ec.klassen(panel, 2019, 2023)

        client = Client()
        client.force_login(get_user_model().objects.get(username="bappeda"))
        url = "/analytics/leading-sectors/"
        assert client.get(url).status_code == 200

        def cold():
            cache.clear()
            client.get(url)

        def warm():
            client.get(url)

        results = {"floor": median_ms(floor), "cold": median_ms(cold)}
        client.get(url)
        results["warm"] = median_ms(warm)
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        print(f"leading-sectors page, {engine}, median of {RUNS} runs, {region} against {reference}")
        for name, value in results.items():
            print(f"  {name:<6} {value:8.1f} ms   ratio to floor {value / results['floor']:5.1f}")
        print(f"  target: cold page under 200 ms -> {'met' if results['cold'] < 200 else 'NOT met'}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
