"""Server time of the leading-sectors page (target: under 200 ms) against the floor for the same work.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/smarteconomy .venv/bin/python bench/leading_sectors_page.py

floor: the same SQL fetch and pandas computations called directly (no view, no templates);
cold: the page with an empty cache; warm: the page from the cache (the second view of the day).
"""

from _common import demo_database, median_ms, report


def main():
    with demo_database():
        from django.contrib.auth import get_user_model
        from django.core.cache import cache
        from django.test import Client

        from analytics import economics as ec
        from analytics.selectors import grdp_long_frame, sector_order

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

        results = {"floor": median_ms(floor), "cold": median_ms(cold)}
        client.get(url)
        results["warm"] = median_ms(lambda: client.get(url))
        report("leading-sectors page, Kota Balikpapan against Kalimantan Timur", results)
        print(f"  target: cold page under 200 ms -> {'met' if results['cold'] < 200 else 'NOT met'}")


if __name__ == "__main__":
    main()
