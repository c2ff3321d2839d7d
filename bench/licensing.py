"""The licensing queue and the online-licensing indicators on a large queue.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/smarteconomy BENCH_PERMITS=100000 .venv/bin/python bench/licensing.py

The demo is loaded, then BENCH_PERMITS applications of 2025 with their status histories are added with
bulk_create (not through the services: this is about reading, not writing). Reported:
  queue: the queue page (/licensing/applications/) for DPMPTSP, first page and a deep page (a keyset cursor
         half-way down the queue), with its query count; skipped when the page is not installed;
  indicators: the recompute of the five licensing indicators for the 12 months and the year of 2025, each alone
              and all five in one recompute as the nightly task runs them (sharing the read of the decisions);
  floors: the bare SQL behind them with connection.cursor(): the submission counts per month and the year,
          and the read of the decided applications' steps of the year (what the working-day indicators need).
"""

import base64
import importlib.util
import json
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

# This script's name is the app's name: keep its folder off the import path so that "licensing" is the app.
HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or os.getcwd()).resolve() != HERE]
os.chdir(HERE.parent)  # some libraries put the working directory on the path
_spec = importlib.util.spec_from_file_location("_common", HERE / "_common.py")
_common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_common)
RUNS, demo_database, engine, median_ms = _common.RUNS, _common.demo_database, _common.engine, _common.median_ms

PERMITS = int(os.environ.get("BENCH_PERMITS", "100000"))
INDICATOR_RUNS = int(os.environ.get("BENCH_INDICATOR_RUNS", "3"))


def grow_queue(count):
    """Add ``count`` applications submitted in 2025 with plausible histories (about 5 steps each)."""
    from django.utils import timezone

    from licensing.models import PermitApplication, PermitStatusChange, PermitType
    from licensing.workingdays import add_working_days
    from smarteconomy.models import PublicHoliday

    rng = random.Random(7)
    types = list(PermitType.objects.all())
    holidays = set(PublicHoliday.objects.values_list("date", flat=True))
    tz = timezone.get_current_timezone()
    start = datetime(2025, 1, 1, 8, tzinfo=tz)
    added = 0
    batch_size = 10000
    while added < count:
        size = min(batch_size, count - added)
        applications, plans = [], []
        for n in range(size):
            number = added + n
            permit_type = rng.choice(types)
            submitted = start + timedelta(days=rng.randint(0, 360), minutes=rng.randint(0, 8 * 60))
            channel = rng.choices(["spontan", "oss", "counter"], weights=[55, 30, 15])[0]
            steps = [
                ("", "submitted", "", submitted),
                ("submitted", "verification", "", submitted + timedelta(hours=2)),
            ]
            day = submitted.date()
            last = steps[-1][3]
            if rng.random() < 0.15:
                day = add_working_days(day, 1, holidays)
                returned = max(datetime.combine(day, last.timetz()), last + timedelta(minutes=5))
                resubmitted = returned + timedelta(days=rng.randint(2, 9))
                steps += [
                    ("verification", "returned", "wrong_file", returned),
                    ("returned", "resubmitted", "", resubmitted),
                    ("resubmitted", "verification", "", resubmitted + timedelta(hours=1)),
                ]
                day, last = resubmitted.date(), resubmitted + timedelta(hours=1)
            open_ = rng.random() < 0.05
            status, decided_at, issued_at = "verification", None, None
            if not open_:
                day = add_working_days(day, rng.randint(1, permit_type.service_level_days + 3), holidays)
                decided_at = max(datetime.combine(day, last.timetz()), last + timedelta(minutes=5))
                decision = "rejected" if rng.random() < 0.04 else "approved"
                steps.append((steps[-1][1], decision, "", decided_at))
                status = decision
                if decision == "approved":
                    issued_at = decided_at + timedelta(hours=1)
                    steps.append(("approved", "issued", "", issued_at))
                    status = "issued"
            applications.append(
                PermitApplication(
                    registration_number=f"BENCH/{number:07d}",
                    applicant_name=f"Bench applicant {number}",
                    applicant_kind="person",
                    permit_type=permit_type,
                    channel=channel,
                    submitted_at=submitted,
                    status=status,
                    decided_at=decided_at,
                    issued_at=issued_at,
                )
            )
            plans.append(steps)
        PermitApplication.objects.bulk_create(applications, batch_size=5000)
        changes = [
            PermitStatusChange(application_id=application.pk, from_status=f, to_status=t, reason=r, at=at)
            for application, steps in zip(applications, plans, strict=True)
            for f, t, r, at in steps
        ]
        PermitStatusChange.objects.bulk_create(changes, batch_size=10000)
        added += size
    return added


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
    state = json.loads(base64.urlsafe_b64decode(first.context["page"].next_cursor + "=="))
    middle = PermitApplication.objects.order_by("-submitted_at", "-pk")[PermitApplication.objects.count() // 2]
    deep_url = None
    if len(state["v"]) == 2:  # the default order: submitted_at then pk, newest first
        order = [("submitted_at", True), ("pk", True)]
        cursor = keyset_page(
            PermitApplication.objects.filter(pk=middle.pk), order, per_page=1, sort_key=state["s"]
        ).next_cursor
        deep_url = f"{url}?after={cursor}"
    results = {}
    for name, target in (("first page", url), ("deep page", deep_url)):
        if target is None:
            print(f"  queue: {name} skipped (unexpected cursor shape {state}).")
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
        added = grow_queue(PERMITS)
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
