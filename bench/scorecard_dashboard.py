"""Server time of the scorecard dashboard (target: under 100 ms, constant queries however large the raw tables).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/smarteconomy .venv/bin/python bench/scorecard_dashboard.py

The demo is loaded, then the GRDP table is grown to BENCH_GRDP_ROWS rows (other regions and years), and the
scorecard recomputed. floor: the one snapshot query the dashboard needs, read into Python objects;
page: the dashboard as Bappeda gets it (session, permissions, layout, sparklines).
"""

import os
import random

from _common import demo_database, median_ms, report

GRDP_ROWS = int(os.environ.get("BENCH_GRDP_ROWS", "100000"))


def grow_grdp(rows):
    """Add about ``rows`` GRDP values for made-up regions (every sector, years 1990-2100)."""
    from analytics.models import GrdpRelease, GrdpValue, Region
    from smarteconomy.models import Sector

    release = GrdpRelease.objects.get_or_create(label="bench", defaults={"released_on": "2025-01-01"})[0]

    sectors = list(Sector.objects.all())
    random.seed(1)
    per_region = len(sectors) * 111
    added = 0
    for number in range(rows // per_region + 1):
        region = Region.objects.create(
            code=f"{90 + number // 100:02d}.{number % 100:02d}", name=f"Bench {number}", level="regency"
        )
        batch = [
            GrdpValue(
                region=region,
                sector=sector,
                year=year,
                price_basis="ADHB",
                value=random.randint(1, 10**9),
                source="bench",
                release=release,
            )
            for year in range(1990, 2101)
            for sector in sectors
        ][: rows - added]
        GrdpValue.objects.bulk_create(batch, batch_size=5000)
        added += len(batch)
        if added >= rows:
            break
    return added


def main():
    with demo_database():
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client

        from analytics.scorecard import indicators_recompute
        from analytics.selectors import snapshot_list

        added = grow_grdp(GRDP_ROWS)
        indicators_recompute(full=True)
        client = Client()
        client.force_login(get_user_model().objects.get(username="bappeda"))
        url = "/analytics/scorecard/"
        assert client.get(url).status_code == 200
        queries = []
        with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
            client.get(url)
        results = {"floor": median_ms(lambda: list(snapshot_list())), "page": median_ms(lambda: client.get(url))}
        report(f"scorecard dashboard, {added} extra GRDP rows, {len(queries)} queries", results)
        print(f"  target: page under 100 ms -> {'met' if results['page'] < 100 else 'NOT met'}")


if __name__ == "__main__":
    main()
