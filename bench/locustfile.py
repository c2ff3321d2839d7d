"""The mixed workload of issue 9 for locust (requirements-dev.txt): Bappeda browsing the scorecard, indicator pages
and the leading-sector analysis; DPMPTSP working the licensing queue (filters, records) and submitting
service-disruption forms; the load balancer's health probe.

    make run-prod   (or scripts/prod-web.sh with the demo data on PostgreSQL, DJANGO_SECURE_SSL_REDIRECT=false)
    .venv/bin/locust -f bench/locustfile.py --host http://127.0.0.1:8000 --headless -u 50 -r 10 -t 2m \\
        --csv var/locust

Lost writes: every disruption form that the server accepted (a redirect after the POST) carries this run's marker
in its "impact" text; at the end the run prints the marker and the number accepted. Count them in the database:
    .venv/bin/python manage.py shell -c "from licensing.models import ServiceDisruption as S; \\
        print(S.objects.filter(impact__startswith='<marker>').count())"
The two numbers must be equal. (The MSME, industry-centre and parking-API users join this file when those apps
exist: the full-volume run of issue 9 needs them.)
"""

import os
import random
import re
import uuid
from datetime import datetime, timedelta
from http.cookiejar import DefaultCookiePolicy

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("DEMO_PASSWORD", "smart-economy-demo")
RUN_MARKER = f"locust-{uuid.uuid4().hex[:10]}"
ACCEPTED_WRITES = {"disruption": 0}
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
        form = self.client.get("/licensing/disruptions/add/", name="disruption form")
        token = CSRF.search(form.text).group(1)
        start = datetime.now() - timedelta(hours=random.randint(2, 500))
        with self.client.post(
            "/licensing/disruptions/add/",
            {
                "csrfmiddlewaretoken": token,
                "system": random.choice(["spontan", "oss", "network"]),
                "started_at": start.strftime("%Y-%m-%dT%H:%M"),
                "ended_at": (start + timedelta(minutes=random.randint(5, 240))).strftime("%Y-%m-%dT%H:%M"),
                "impact": f"{RUN_MARKER} load test",
            },
            headers={"Referer": self.host + "/licensing/disruptions/add/"},
            allow_redirects=False,
            catch_response=True,
            name="disruption form (POST)",
        ) as response:
            if response.status_code == 302:
                ACCEPTED_WRITES["disruption"] += 1
                response.success()
            else:
                response.failure(f"form not accepted: HTTP {response.status_code}")


class LoadBalancer(HttpUser):
    wait_time = between(1, 2)
    weight = 1

    @task
    def health(self):
        self.client.get("/health/", name="health")


@events.test_stop.add_listener
def report_writes(environment, **kwargs):
    print(f"accepted writes: {ACCEPTED_WRITES['disruption']} disruption forms, marker {RUN_MARKER}")
