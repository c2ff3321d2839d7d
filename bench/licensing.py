"""The licensing queue and the online-licensing indicators on a large queue.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/smarteconomy BENCH_PERMITS=100000 .venv/bin/python bench/licensing.py

The demo is loaded, then BENCH_PERMITS applications of 2025 with their status histories are added with
bulk_create (bench/load_volumes.py's add_permits: not through the services, this is about reading, not writing). Reported:
  queue: the queue page (/licensing/applications/) for DPMPTSP, first page and a deep page (a keyset cursor
         half-way down the queue), with its query count; skipped when the page is not installed;
  indicators: the recompute of the five licensing indicators for the 12 months and the year of 2025, each alone
              and all five in one recompute as the nightly task runs them (sharing the read of the decisions);
  floors: the bare SQL behind them with connection.cursor(): the submission counts per month and the year,
          and the read of the decided applications' steps of the year (what the working-day indicators need).
"""

import importlib.util
import os
import sys
import time
from datetime import datetime
from pathlib import Path

# This script's name is the app's name: keep its folder off the import path so that "licensing" is the app.
HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or os.getcwd()).resolve() != HERE]
os.chdir(HERE.parent)  # some libraries put the working directory on the path
_spec = importlib.util.spec_from_file_location("_common", HERE / "_common.py")
_common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_common)
RUNS, demo_database, engine, median_ms = _common.RUNS, _common.demo_database, _common.engine, _common.median_ms
_spec = importlib.util.spec_from_file_location("load_volumes", HERE / "load_volumes.py")
load_volumes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(load_volumes)

PERMITS = int(os.environ.get("BENCH_PERMITS", "100000"))
INDICATOR_RUNS = int(os.environ.get("BENCH_INDICATOR_RUNS", "3"))


def queue_figures():
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from licensing.models import PermitApplication
    from smarteconomy.lists import keyset_page

    try:
        url = reverse("licensing:application_list")
    except NoReverseMatch:
        print("  queue: the page /licensing/applications/ is not installed yet; skipped.")
        return {}
    client = Client()
    client.force_login(get_user_model().objects.get(username="dpmptsp"))
    first = client.get(url)
    if first.status_code != 200:
        print(f"  queue: {url} answered {first.status_code}; skipped.")
        return {}
    sort_key = first.context["sort_key"]
    middle = PermitApplication.objects.order_by("-submitted_at", "-pk")[PermitApplication.objects.count() // 2]
    deep_url = None
    if sort_key == "-submitted_at":  # the default order: submitted_at then pk, newest first
        order = [("submitted_at", True), ("pk", True)]
        cursor = keyset_page(
            PermitApplication.objects.filter(pk=middle.pk), order, per_page=1, sort_key=sort_key
        ).next_cursor
        deep_url = f"{url}?after={cursor}"
    results = {}
    for name, target in (("first page", url), ("deep page", deep_url)):
        if target is None:
            print(f"  queue: {name} skipped (unexpected default sort {sort_key}).")
            continue
        queries = []
        with connection.execute_wrapper(lambda execute, sql, *args, q=queries: q.append(sql) or execute(sql, *args)):
            response = client.get(target)
        assert response.status_code == 200, response.status_code
        rows = len(response.context["page"].rows)
        results[name] = (median_ms(lambda t=target: client.get(t)), len(queries), rows)
    return results


def indicator_figures():
    from django.db import connection

    from analytics import registry
    from analytics.registry import Period
    from analytics.scorecard import indicator_recompute, load_targets

    periods = [Period(2025, month) for month in range(1, 13)] + [Period(2025)]
    indicators = [i for i in registry.all_indicators() if i.code.startswith("licensing.")]
    targets = load_targets()
    per_indicator = {}
    for indicator in indicators:
        per_indicator[indicator.code] = median_ms(
            lambda i=indicator: indicator_recompute(i, periods, targets=targets), runs=INDICATOR_RUNS
        )

    def nightly():  # as the nightly recompute runs them: in one run, sharing the read of the year's decisions
        with registry.shared_computations():
            for indicator in indicators:
                indicator_recompute(indicator, periods, targets=targets)

    total = median_ms(nightly, runs=INDICATOR_RUNS)

    tz = "Asia/Makassar"
    if engine() == "postgresql":
        month_sql = (
            "SELECT date_trunc('month', submitted_at AT TIME ZONE %s), count(*), "
            "count(*) FILTER (WHERE channel IN ('spontan', 'oss')) FROM licensing_permitapplication "
            "WHERE submitted_at >= %s AND submitted_at < %s GROUP BY 1"
        )
        year_sql = (
            "SELECT count(*), count(*) FILTER (WHERE channel IN ('spontan', 'oss')) FROM licensing_permitapplication "
            "WHERE submitted_at >= %s AND submitted_at < %s"
        )
        month_params = [tz]
    else:
        month_sql = (
            "SELECT strftime('%%Y-%%m', submitted_at), count(*), sum(channel IN ('spontan', 'oss')) "
            "FROM licensing_permitapplication WHERE submitted_at >= %s AND submitted_at < %s GROUP BY 1"
        )
        year_sql = (
            "SELECT count(*), sum(channel IN ('spontan', 'oss')) FROM licensing_permitapplication "
            "WHERE submitted_at >= %s AND submitted_at < %s"
        )
        month_params = []
    steps_sql = (
        "SELECT c.application_id, c.to_status, c.at FROM licensing_permitstatuschange c "
        "JOIN licensing_permitapplication a ON a.id = c.application_id "
        "WHERE a.decided_at >= %s AND a.decided_at < %s "
        "AND c.to_status IN ('submitted', 'resubmitted', 'returned', 'approved', 'rejected') "
        "ORDER BY c.application_id, c.at, c.id"
    )
    from django.utils import timezone

    start = timezone.make_aware(datetime(2025, 1, 1))
    end = timezone.make_aware(datetime(2026, 1, 1))

    def counts_floor():
        with connection.cursor() as cursor:
            cursor.execute(month_sql, [*month_params, start, end])
            cursor.fetchall()
            cursor.execute(year_sql, [start, end])
            cursor.fetchall()

    def steps_floor():
        with connection.cursor() as cursor:
            cursor.execute(steps_sql, [start, end])
            return len(cursor.fetchall())

    floors = {
        "counts": median_ms(counts_floor, runs=INDICATOR_RUNS),
        "steps": median_ms(steps_floor, runs=INDICATOR_RUNS),
    }
    return per_indicator, total, floors, steps_floor()


def main():
    with demo_database():
        from licensing.models import PermitApplication, PermitStatusChange

        started = time.perf_counter()
        added = load_volumes.add_permits(PERMITS, log=lambda *args: None)
        took = time.perf_counter() - started
        print(
            f"licensing bench, {engine()}: {PermitApplication.objects.count()} applications, "
            f"{PermitStatusChange.objects.count()} status changes ({added} generated in {took:.1f} s)"
        )
        from django.db import connection

        if engine() == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE licensing_permitapplication; ANALYZE licensing_permitstatuschange")
        print(f"queue page, median of {RUNS} runs:")
        for name, (ms, queries, rows) in queue_figures().items():
            print(f"  {name:<11} {ms:8.1f} ms  {queries:3d} queries  {rows} rows")
        per_indicator, total, floors, steps = indicator_figures()
        print(f"indicator recompute, 12 months + the year 2025, each alone, median of {INDICATOR_RUNS} runs:")
        for code, ms in per_indicator.items():
            print(f"  {code:<42} {ms:8.1f} ms")
        print(f"  {'all five in one recompute (shared reads)':<42} {total:8.1f} ms")
        print(f"  floor: monthly + yearly submission counts (SQL)  {floors['counts']:8.1f} ms")
        print(f"  floor: read the {steps} steps of the year's decisions (SQL)  {floors['steps']:8.1f} ms")


if __name__ == "__main__":
    main()
