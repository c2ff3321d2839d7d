"""The mixed workload of issue 9 for locust (requirements-dev.txt), as the offices and Bappeda use the product:

- Bappeda: the scorecard, indicator pages, leading sectors, completeness, the parking summary;
- DPMPTSP: the licensing queue (plain and filtered), application records, the service-disruption form (a write);
- DKUMKMP: the MSME registry (plain, filtered, searched), MSME records, registering a new MSME (a write, with the
  duplicate step when it comes), the industry centre's levy bills and bill pages (with their QRIS);
- parking operators: their summary and raw-log pages, and batches of transactions pushed to the API (writes);
- the load balancer's health probe.

    make run-prod   (or scripts/prod-web.sh on PostgreSQL with the demo and benchmark volumes,
                     DJANGO_SECURE_SSL_REDIRECT=false; bench/load_volumes.py loads the volumes)
    OPERATOR_TOKENS=operator_airport:<key>,operator_mall:<key> LOCUST_WRITES=var/locust-writes.json \
    .venv/bin/locust -f bench/locustfile.py --host http://127.0.0.1:8000 --headless -u 50 -r 5 -t 3m \
        --stop-timeout 15 --csv var/locust
    .venv/bin/python bench/count_writes.py var/locust-writes.json   # no lost writes: stored >= accepted

Every write carries this run's marker (the disruption's impact, the MSME's name, the transaction ids), so
bench/count_writes.py counts what the database holds of each kind and compares it with what the server accepted.
The ceiling of the server itself (a template without a query) is bench/locust_trivial.py, run the same way.
"""

import json
import os
import random
import re
import uuid
from datetime import date, datetime, timedelta
from http.cookiejar import DefaultCookiePolicy

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("DEMO_PASSWORD", "smart-economy-demo")
RUN_MARKER = f"locust-{uuid.uuid4().hex[:10]}"
ACCEPTED_WRITES = {"disruption": 0, "msme": 0, "parking_transaction": 0}
OPERATOR_TOKENS = dict(pair.split(":", 1) for pair in os.environ.get("OPERATOR_TOKENS", "").split(",") if ":" in pair)
BATCH_SIZE = int(os.environ.get("LOCUST_BATCH_SIZE", "200"))
# Production cookies are Secure (TLS ends at the reverse proxy); this load test talks to gunicorn directly over
# HTTP, so its clients send them anyway, as the proxy would.
DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class StaffUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self):
        page = self.client.get("/accounts/login/", name="login (GET)")
        token = CSRF.search(page.text).group(1)
        response = self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/accounts/login/"},
            allow_redirects=False,
            name="login (POST)",
        )
        if response.status_code != 302:
            raise RuntimeError(f"login of {self.username} failed: {response.status_code}")

    def links(self, path, pattern, name):
        page = self.client.get(path, name=name)
        return re.findall(pattern, page.text)

    def post_form(self, path, data, name, accepted):
        """POST a form as a browser does (CSRF token from the page); a redirect is an accepted write."""
        form = self.client.get(path, name=f"{name} (GET)")
        data = {"csrfmiddlewaretoken": CSRF.search(form.text).group(1), **data}
        with self.client.post(
            path,
            data,
            headers={"Referer": self.host + path},
            allow_redirects=False,
            catch_response=True,
            name=f"{name} (POST)",
        ) as response:
            if response.status_code == 302:
                ACCEPTED_WRITES[accepted] += 1
                response.success()
            return response


class Bappeda(StaffUser):
    username = "bappeda"
    weight = 2

    def on_start(self):
        super().on_start()
        self.indicators = sorted(
            set(self.links("/analytics/scorecard/", r'href="(/analytics/indicators/[^/"]+/)"', "scorecard"))
        )

    @task(5)
    def scorecard(self):
        self.client.get("/analytics/scorecard/", name="scorecard")

    @task(3)
    def indicator(self):
        if self.indicators:
            self.client.get(random.choice(self.indicators), name="indicator detail")

    @task(2)
    def leading_sectors(self):
        self.client.get("/analytics/leading-sectors/", name="leading sectors")

    @task(1)
    def completeness(self):
        self.client.get("/analytics/scorecard/completeness/", name="completeness")

    @task(1)
    def parking(self):
        self.client.get("/cashless/summary/", name="parking summary (all locations)")


class Dpmptsp(StaffUser):
    username = "dpmptsp"
    weight = 2

    def on_start(self):
        super().on_start()
        self.records = sorted(
            set(self.links("/licensing/applications/", r'href="(/licensing/applications/\d+/)"', "licensing queue"))
        )

    @task(4)
    def queue(self):
        self.client.get("/licensing/applications/", name="licensing queue")

    @task(3)
    def queue_filtered(self):
        status = random.choice(["submitted", "verification", "returned", "approved", "issued", "rejected"])
        self.client.get(
            f"/licensing/applications/?status={status}&sort=-submitted_at", name="licensing queue (filtered)"
        )

    @task(3)
    def record(self):
        if self.records:
            self.client.get(random.choice(self.records), name="application detail")

    @task(1)
    def report_disruption(self):
        start = datetime.now() - timedelta(hours=random.randint(2, 500))
        response = self.post_form(
            "/licensing/disruptions/add/",
            {
                "system": random.choice(["spontan", "oss", "network"]),
                "started_at": start.strftime("%Y-%m-%dT%H:%M"),
                "ended_at": (start + timedelta(minutes=random.randint(5, 240))).strftime("%Y-%m-%dT%H:%M"),
                "impact": f"{RUN_MARKER} load test",
            },
            "disruption form",
            "disruption",
        )
        if response.status_code != 302:
            response.failure(f"form not accepted: HTTP {response.status_code}")


def random_nik():
    """A structurally valid NIK of Balikpapan (6471, kecamatan 01-06, birth date, +40 for women, serial)."""
    birth = date(1960, 1, 1) + timedelta(days=random.randint(0, 40 * 365))
    day = birth.day + (40 if random.random() < 0.5 else 0)
    return f"6471{random.randint(1, 6):02d}{day:02d}{birth:%m%y}{random.randint(1, 9999):04d}"


class Dkumkmp(StaffUser):
    username = "dkumkmp"
    weight = 2

    def on_start(self):
        super().on_start()
        self.records = sorted(set(self.links("/msme/registry/", r'href="(/msme/registry/\d+/)"', "msme registry")))
        self.bills = sorted(
            set(self.links("/industry-centre/bills/", r'href="(/industry-centre/bills/\d+/)"', "levy bills"))
        )
        form = self.client.get("/msme/new-msme/", name="msme form (GET)").text
        select = re.search(r'<select name="kelurahan".*?</select>', form, re.S).group(0)
        self.kelurahan = re.findall(r'<option value="(\d+)"', select)

    @task(4)
    def registry(self):
        self.client.get("/msme/registry/", name="msme registry")

    @task(3)
    def registry_filtered(self):
        category = random.choice(["culinary", "fashion", "craft", "trade", "services"])
        self.client.get(f"/msme/registry/?business_category={category}&status=active", name="msme registry (filtered)")

    @task(2)
    def registry_search(self):
        self.client.get(f"/msme/registry/?q={random.choice(['sari', 'jaya', 'abadi', 'makmur'])}", name="msme search")

    @task(3)
    def record(self):
        if self.records:
            self.client.get(random.choice(self.records), name="msme detail")

    @task(2)
    def bills_page(self):
        self.client.get("/industry-centre/bills/", name="levy bills")

    @task(2)
    def bill(self):
        if self.bills:
            self.client.get(random.choice(self.bills), name="levy bill (QRIS)")

    @task(1)
    def register(self):
        data = {
            "name": f"{RUN_MARKER} Usaha {uuid.uuid4().hex[:8]}",
            "owner_name": f"Pemilik {uuid.uuid4().hex[:6]}",
            "owner_nik": random_nik(),
            "nib": "",
            "phone": f"0812{random.randint(10_000_000, 99_999_999)}",
            "address": f"Jl. Uji Beban No. {random.randint(1, 300)}",
            "kelurahan": random.choice(self.kelurahan),
            "business_category": random.choice(["culinary", "fashion", "craft", "services"]),
            "scale": "micro",
            "registered_on": date.today().isoformat(),
            "status": "active",
            "qris_since": "",
        }
        response = self.post_form("/msme/new-msme/", data, "msme form", "msme")
        if response.status_code == 200 and "decision" in response.text:
            # Duplicate candidates: the officer confirms it is a different business.
            response = self.post_form("/msme/new-msme/", {**data, "decision": "new"}, "msme form, confirmed", "msme")
        if response.status_code != 302:
            response.failure(f"MSME not registered: HTTP {response.status_code}")


class ParkingOperator(StaffUser):
    abstract = True
    location = ""

    @task(3)
    def summary(self):
        self.client.get(f"/cashless/summary/?location={self.location}", name="parking summary")

    @task(2)
    def transactions(self):
        self.client.get("/cashless/transactions/", name="parking log (last days, own location)")

    @task(3)
    def push(self):
        token = OPERATOR_TOKENS.get(self.username)
        if not token:
            return
        now = datetime.now().astimezone()
        rows = []
        for _ in range(BATCH_SIZE):
            entry = now - timedelta(minutes=random.randint(30, 600))
            vehicle = random.choice(["motorcycle", "car"])
            method = random.choice(["qris", "emoney", "cash"])
            rows.append(
                {
                    "transaction_id": f"{RUN_MARKER}-{uuid.uuid4().hex[:16]}",
                    "entry_time": entry.isoformat(timespec="seconds"),
                    "exit_time": (entry + timedelta(minutes=random.randint(10, 29))).isoformat(timespec="seconds"),
                    "vehicle_class": vehicle,
                    "amount": 5000 if vehicle == "motorcycle" else 10_000,
                    "payment_method": method,
                    "issuer": "",
                    "status": "paid",
                    "failure_reason": "",
                    "gate": "G1",
                }
            )
        with self.client.post(
            f"/api/cashless/locations/{self.location}/transactions/",
            data=json.dumps({"transactions": rows}),
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
            catch_response=True,
            name=f"parking API push ({BATCH_SIZE} rows)",
        ) as response:
            if response.status_code == 201:
                ACCEPTED_WRITES["parking_transaction"] += response.json()["created"]
                response.success()
            else:
                response.failure(f"batch not accepted: HTTP {response.status_code} {response.text[:200]}")


class AirportOperator(ParkingOperator):
    username = "operator_airport"
    location = "SEPINGGAN"
    weight = 1


class MallOperator(ParkingOperator):
    username = "operator_mall"
    location = "BSB"
    weight = 1


class LoadBalancer(HttpUser):
    wait_time = between(1, 2)
    weight = 1

    @task
    def health(self):
        self.client.get("/health/", name="health")


@events.test_stop.add_listener
def report_writes(environment, **kwargs):
    print(f"accepted writes, marker {RUN_MARKER}: {ACCEPTED_WRITES}")
    path = os.environ.get("LOCUST_WRITES")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump({"marker": RUN_MARKER, "accepted": ACCEPTED_WRITES}, out)
