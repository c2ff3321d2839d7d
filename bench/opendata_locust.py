"""Public traffic on the open-data portal (issue 16): anonymous visitors, no login, as citizens, journalists and the
national portal's harvester use it. Target: 200 users for 2 minutes on the 2-core machine, p95 < 300 ms, no error.

- citizens and journalists: the portal's home, the published scorecard, an indicator's sheet and series, the
  leading sectors, the dataset catalogue (plain, searched, by topic), a dataset's page and its downloads
  (CSV, XLSX, JSON), both languages, and the permit-tracking form (its page; the lookups are rate-limited per
  address, so a load test from one address would only measure the limit);
- the harvester: the DCAT catalogue and the CKAN actions package_list, package_show and package_search.

Run it against gunicorn (scripts/prod-web.sh, production settings: the Redis cache) with the demo data on
PostgreSQL, on a quiet machine, and run bench/locust_trivial.py with the same users for the server's ceiling:

    uptime
    .venv/bin/locust -f bench/opendata_locust.py --host http://127.0.0.1:8000 --headless -u 200 -r 20 -t 2m \\
        --stop-timeout 10 --csv var/opendata
    uptime
    .venv/bin/locust -f bench/locust_trivial.py --host http://127.0.0.1:8000 --headless -u 200 -r 20 -t 2m

The figures are in docs/scaling.md ("Public traffic")."""

import random

from locust import HttpUser, between, events, task

DATASETS = []
INDICATORS = []


@events.test_start.add_listener
def discover(environment, **_kwargs):
    """The datasets and indicators of this server, from its own CKAN list and published scorecard."""
    import re

    import requests

    base = environment.host.rstrip("/")
    DATASETS[:] = requests.get(f"{base}/open-data/api/3/action/package_list", timeout=30).json()["result"]
    page = requests.get(f"{base}/open-data/scorecard/", timeout=30).text
    INDICATORS[:] = sorted(set(re.findall(r'href="/open-data/indicators/([^/"]+)/"', page)))
    if not DATASETS or not INDICATORS:
        raise RuntimeError("the portal lists no dataset or no indicator: load the demo data (seed_demo) first")


class Visitor(HttpUser):
    """A citizen or a journalist reading the portal: a person's pace, 1-3 s between pages."""

    weight = 9
    wait_time = between(1, 3)

    def on_start(self):
        self.language = random.choice(["id", "id", "id", "en"])

    def get(self, path, name):
        separator = "&" if "?" in path else "?"
        self.client.get(f"{path}{separator}language={self.language}" if self.language == "en" else path, name=name)

    @task(3)
    def landing(self):
        self.get("/open-data/", "portal home")

    @task(4)
    def scorecard(self):
        self.get("/open-data/scorecard/", "scorecard (published edition)")

    @task(3)
    def indicator(self):
        self.get(f"/open-data/indicators/{random.choice(INDICATORS)}/", "indicator sheet and series")

    @task(2)
    def leading_sectors(self):
        self.get("/open-data/leading-sectors/", "leading sectors")

    @task(3)
    def catalogue(self):
        choice = random.choice(["", "?q=izin", "?q=parkir", "?q=pdrb", "?q=umkm"])
        self.get(f"/open-data/datasets/{choice}", "dataset catalogue (plain, searched)")

    @task(4)
    def dataset(self):
        self.get(f"/open-data/datasets/{random.choice(DATASETS)}/", "dataset page")

    @task(3)
    def download(self):
        fmt = random.choice(["csv", "csv", "xlsx", "json"])
        self.client.get(f"/open-data/datasets/{random.choice(DATASETS)}.{fmt}", name=f"download .{fmt}")

    @task(1)
    def tracking_form(self):
        self.get("/licensing/lacak-izin/", "permit tracking form")


class Harvester(HttpUser):
    """The national portal's harvester and other machines: DCAT and the CKAN actions."""

    weight = 1
    wait_time = between(1, 3)

    @task(1)
    def dcat(self):
        self.client.get("/open-data/catalog.jsonld", name="DCAT catalogue")

    @task(1)
    def package_list(self):
        self.client.get("/open-data/api/3/action/package_list", name="CKAN package_list")

    @task(3)
    def package_show(self):
        self.client.get(f"/open-data/api/3/action/package_show?id={random.choice(DATASETS)}", name="CKAN package_show")

    @task(2)
    def package_search(self):
        q = random.choice(["izin", "parkir", "pdrb", "umkm", "ikm"])
        self.client.get(f"/open-data/api/3/action/package_search?q={q}&rows=10", name="CKAN package_search")
