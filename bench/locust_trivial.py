"""The ceiling of the server itself for bench/locustfile.py: the same users, wait times and server, asking only for
the login page (a template, no query). Run it exactly as the mixed workload, e.g.

    .venv/bin/locust -f bench/locust_trivial.py --host http://127.0.0.1:8000 --headless -u 50 -r 5 -t 2m

and compare the two runs' throughput and percentiles: the ratio is the figure (docs/scaling.md)."""

from locust import HttpUser, between, task


class Trivial(HttpUser):
    wait_time = between(1, 3)

    @task
    def login_page(self):
        self.client.get("/accounts/login/", name="login page (trivial view)")
