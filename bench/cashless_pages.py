"""The e-parking pages and indicators on a large log.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/se_cashless_bench BENCH_ROWS=10000000 \\
        .venv/bin/python bench/cashless_pages.py

In a throw-away test database (migrations only), BENCH_ROWS transactions are loaded through the import
(cashless.generator files of 1,000,000 rows, each through run_import: the same bulk path as
bench/cashless_import.py), spread over as many locations as it takes to keep them within the last 58 months (the
retention window of PostgreSQL's monthly partitions: about 4 million rows a location), then the summaries are
built and the indicators recomputed. Reported (median of BENCH_RUNS runs, for the first location):
  list first page: /cashless/transactions/ for Bappeda, one location, the last 7 days (keyset, 25 rows);
  list deep page:  the same, 40 pages further down (a keyset cursor);
  summary page:    /cashless/summary/ for the location, 92 days (reads the summaries only);
  indicators:      the four cashless indicators for every month and year the data supports;
  scorecard:       /analytics/scorecard/ for Bappeda, rendered (SCORECARD_CACHE_SECONDS=0) and from its cache;
  rebuild:         the summaries of one dirty date, and of every date.
"""

import importlib.util
import os
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROWS = int(os.environ.get("BENCH_ROWS", "10000000"))
FILE_ROWS = 1_000_000
RUNS = int(os.environ.get("BENCH_RUNS", "10"))


def median_ms(func, runs=RUNS):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    spec = importlib.util.spec_from_file_location("_common", HERE / "_common.py")
    common = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(common)
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    workdir = Path(tempfile.mkdtemp(prefix="cashless-pages-"))
    settings.MEDIA_ROOT = str(workdir / "media")
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(workdir, common.engine())
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        for item in sorted(workdir.rglob("*"), reverse=True):
            item.unlink() if item.is_file() else item.rmdir()
        workdir.rmdir()


def run(workdir, engine):
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from analytics import registry
    from cashless.generator import write_rows
    from cashless.models import ParkingLocation, ParkingTransaction
    from cashless.services import daily_summary_rebuild, daily_summary_rebuild_all
    from smarteconomy.choices import ImportStatus, Role
    from smarteconomy.importing import run_import
    from smarteconomy.roles import sync_roles

    sync_roles()
    # Four files of 1,000,000 rows (about 417 days each) per location, the first starting 58 months ago.
    first_day = timezone.localdate() - timedelta(days=1765 + 61)
    files_per_location = 4
    locations = []
    start = time.perf_counter()
    loaded, part = 0, 0
    while loaded < ROWS:
        if part % files_per_location == 0:
            number = len(locations)
            locations.append(
                ParkingLocation.objects.create(code=f"BENCH{number}", name=f"Benchmark {number}", operator_name="bench")
            )
        rows = min(FILE_ROWS, ROWS - loaded)
        path = workdir / f"part-{part}.csv"
        # Each file continues its location's calendar where the last one ended (ids are unique per file and day).
        offset = timedelta(days=(part % files_per_location) * 420)
        write_rows(path, rows, code=f"P{part}", start=first_day + offset, seed=part + 1)
        batch = run_import(
            "parking",
            data=path.read_bytes(),
            filename=path.name,
            user=None,
            params={"location": locations[-1]},
            max_bytes=1 << 31,
        )
        assert batch.status == ImportStatus.COMMITTED, (batch.message, batch.errors[:3])
        path.unlink()
        loaded += rows
        part += 1
        print(f"  loaded {loaded:,} rows ({time.perf_counter() - start:.0f} s)", flush=True)
    location = locations[0]
    if engine == "postgresql":
        with connection_cursor() as cursor:
            cursor.execute("ANALYZE cashless_parkingtransaction")
    build = time.perf_counter()
    daily_summary_rebuild_all()
    full_rebuild = time.perf_counter() - build
    stored = ParkingTransaction.objects.count()

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user("bench-bappeda", password="x-bench-password")
    user.groups.add(Group.objects.get(name=Role.BAPPEDA))
    client = Client()
    client.force_login(user)
    last = (
        ParkingTransaction.objects.filter(location=location)
        .order_by("-business_date")
        .values_list("business_date", flat=True)[0]
    )
    params = {
        "location": location.pk,
        "date_from": (last - timedelta(days=6)).isoformat(),
        "date_to": last.isoformat(),
    }
    response = client.get("/cashless/transactions/", params)
    assert response.status_code == 200 and len(response.context["page"].rows) == 25
    cursor = None
    for _ in range(40):
        page = client.get("/cashless/transactions/", {**params, **({"after": cursor} if cursor else {})})
        cursor = page.context["page"].next_cursor
    load_before = " ".join(f"{value:.2f}" for value in os.getloadavg())
    first_ms = median_ms(lambda: client.get("/cashless/transactions/", params))
    deep_ms = median_ms(lambda: client.get("/cashless/transactions/", {**params, "after": cursor}))
    summary_ms = median_ms(lambda: client.get("/cashless/summary/", {"location": location.code}))
    indicators = [i for i in registry.all_indicators() if i.code.startswith("cashless.")]
    periods = indicators[0].periods()

    def compute_all():
        for indicator in indicators:
            for period in periods:
                indicator.compute(period)

    indicators_ms = median_ms(compute_all, runs=max(1, RUNS // 5))
    from django.core.cache import cache

    from analytics.scorecard import indicators_recompute

    recompute = time.perf_counter()
    indicators_recompute(full=True)
    recompute_s = time.perf_counter() - recompute
    assert client.get("/analytics/scorecard/").status_code == 200
    cached_ms = median_ms(lambda: client.get("/analytics/scorecard/"))
    settings.SCORECARD_CACHE_SECONDS = 0
    cache.clear()
    rendered_ms = median_ms(lambda: client.get("/analytics/scorecard/"))
    one_day_ms = median_ms(lambda: daily_summary_rebuild(location_id=location.pk, dates=[last - timedelta(days=3)]))

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get("/cashless/transactions/", params)
    sql_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
    keyset = next(
        q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"] and "parkingtransaction" in q["sql"]
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + keyset)
        plan = "\n".join("    " + row[0] for row in cursor.fetchall())

    print(
        f"{stored:,} transactions at {len(locations)} locations on {engine}; median of {RUNS} runs; load average "
        f"before the runs {load_before}"
    )
    print(f"  list first page: {len(queries)} queries, {sql_ms:.1f} ms in SQL; the keyset query's plan:\n{plan}")
    print(f"  list first page (7 days, 25 rows):       {first_ms:8.1f} ms  (target < 200)")
    print(f"  list page 41 (keyset cursor):            {deep_ms:8.1f} ms")
    print(f"  summary page (92 days):                  {summary_ms:8.1f} ms")
    print(f"  4 indicators x {len(periods)} periods:            {indicators_ms:8.1f} ms")
    print(f"  scorecard, rendered (no cache):          {rendered_ms:8.1f} ms  (target < 150)")
    print(f"  scorecard, from its cache:               {cached_ms:8.1f} ms")
    print(f"  indicators_recompute(full=True):         {recompute_s * 1000:8.0f} ms")
    print(f"  summary rebuild, one dirty date:         {one_day_ms:8.1f} ms")
    print(f"  summary rebuild, every date:             {full_rebuild * 1000:8.0f} ms")


def connection_cursor():
    from django.db import connection

    return connection.cursor()


if __name__ == "__main__":
    main()
