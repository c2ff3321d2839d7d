"""One user's time and queries on each page of the issue-9 workload, on the configured database (load it first
with seed_demo and bench/load_volumes.py):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/se_bench .venv/bin/python bench/pages.py [--runs 20]
        [--only licensing] [--profile var/profiles]

Each page is requested through Django's test Client (the whole middleware stack and template rendering, no
network, no test instrumentation) as the demo user of the office that works on it: one warm-up request, then
--runs timed requests (median and 90th percentile of the wall time; median of this process's CPU time, which
leaves out the database's time and, mostly, the other processes of a shared machine), then one request whose
queries are counted and their times summed ("sql ms", to the millisecond). --profile DIR writes a cProfile of
--runs requests per page (DIR/<name>.prof; read with `python -m pstats`).
"""

import argparse
import cProfile
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or os.getcwd()).resolve() != HERE]
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smarteconomy.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")


def workload_pages():
    """[(name, username, url)] of the pages the issue-9 workload reads."""
    from analytics import registry
    from cashless.models import ParkingLocation
    from industry_center.models import LevyBill
    from licensing.models import PermitApplication
    from msme.models import Msme
    from smarteconomy.models import Kecamatan

    # Each role's home page with its worklist, and the pages the worklists and the bell lead to: the home page of
    # DKUMKMP once took 171 s on the demo's 48,000 MSMEs and only a walk through the product found it.
    pages = [
        (f"home ({username})", username, "/")
        for username in ("admin", "bappeda", "dpmptsp", "dkumkmp", "operator_airport")
    ]
    pages += [
        ("notifications", "dkumkmp", "/notifications/"),
        ("reporting overview", "bappeda", "/reporting/"),
        ("msme duplicate candidates", "dkumkmp", "/msme/registry/?duplicates=true"),
        ("scorecard", "bappeda", "/analytics/scorecard/"),
        ("completeness", "bappeda", "/analytics/scorecard/completeness/"),
        ("leading sectors", "bappeda", "/analytics/leading-sectors/"),
    ]
    seen_apps = set()
    for indicator in registry.all_indicators():
        app = indicator.code.split(".")[0]
        if app not in seen_apps:
            seen_apps.add(app)
            pages.append((f"indicator {indicator.code}", "bappeda", f"/analytics/indicators/{indicator.code}/"))
    kecamatan = Kecamatan.objects.order_by("code").first()
    pages += [
        ("licensing queue", "dpmptsp", "/licensing/applications/"),
        (
            "licensing ?status=verification",
            "dpmptsp",
            "/licensing/applications/?status=verification&sort=-submitted_at",
        ),
        ("licensing ?status=issued", "dpmptsp", "/licensing/applications/?status=issued&sort=-submitted_at"),
        ("licensing ?kecamatan", "dpmptsp", f"/licensing/applications/?kecamatan_id={kecamatan.pk}"),
        ("licensing ?q=", "dpmptsp", "/licensing/applications/?q=applicant+4711"),
    ]
    open_application = PermitApplication.objects.filter(status="verification").order_by("-pk").first()
    if open_application:
        pages.append(("application detail", "dpmptsp", f"/licensing/applications/{open_application.pk}/"))
    pages += [
        ("msme registry", "dkumkmp", "/msme/registry/"),
        ("msme ?kecamatan", "dkumkmp", f"/msme/registry/?kecamatan_id={kecamatan.pk}&sort=name"),
        ("msme ?category+scale", "dkumkmp", "/msme/registry/?business_category=culinary&scale=micro"),
        ("msme ?category+status", "dkumkmp", "/msme/registry/?business_category=culinary&status=active"),
        ("msme ?q=", "dkumkmp", "/msme/registry/?q=bakso"),
        ("msme ?q=sari", "dkumkmp", "/msme/registry/?q=sari"),
        ("msme ?q=makmur", "dkumkmp", "/msme/registry/?q=makmur"),
        ("msme form", "dkumkmp", "/msme/new-msme/"),
    ]
    msme = Msme.objects.order_by("-pk").first()
    if msme:
        pages.append(("msme detail", "dkumkmp", f"/msme/registry/{msme.pk}/"))
    pages.append(("levy bills", "dkumkmp", "/industry-centre/bills/"))
    bill = LevyBill.objects.filter(status="issued").order_by("-pk").first() or LevyBill.objects.order_by("-pk").first()
    if bill:
        pages.append(("levy bill detail", "dkumkmp", f"/industry-centre/bills/{bill.pk}/"))
    pages.append(("cashless summary", "bappeda", "/cashless/summary/"))
    location = ParkingLocation.objects.order_by("pk").first()
    if location:
        pages.append((f"cashless summary {location.code}", "bappeda", f"/cashless/summary/?location={location.code}"))
        pages.append(("cashless log (operator, last 7 days)", "operator_airport", "/cashless/transactions/"))
    return pages


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", default="", help="only the pages whose name contains this")
    parser.add_argument("--profile", default="", help="folder for a cProfile of each page")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {}
    rows = []
    print(f"{connection.vendor} {connection.settings_dict['NAME']}, median of {args.runs} requests, one user")
    print(f"{'page':<44} {'median ms':>9} {'p90 ms':>7} {'cpu ms':>7} {'queries':>7} {'sql ms':>6}  status")
    for name, username, url in workload_pages():
        if args.only and args.only not in name:
            continue
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(get_user_model().objects.get(username=username))
        client = clients[username]
        response = client.get(url)
        times, cpu = [], []
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        query_count = len(queries)  # now: the next request's request_started signal empties the log
        sql_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
        if args.profile:
            folder = Path(args.profile)
            folder.mkdir(parents=True, exist_ok=True)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.runs):
                client.get(url)
            profiler.disable()
            profiler.dump_stats(folder / f"{name.replace(' ', '_').replace('/', '_').replace('?', '')}.prof")
        median = statistics.median(times)
        p90 = statistics.quantiles(times, n=10)[-1] if len(times) > 1 else times[0]
        rows.append((name, median, query_count))
        print(
            f"{name:<44} {median:9.1f} {p90:7.1f} {statistics.median(cpu):7.1f} {query_count:7d} {sql_ms:6.0f}  {response.status_code}",
            flush=True,
        )
    return rows


if __name__ == "__main__":
    main()
