#!/usr/bin/env python3
"""A small closed-loop HTTP load generator (standard library only): N users, each with its own keep-alive
connection and session, request the given paths in turn for D seconds. Prints requests/s, latency percentiles
and the count of non-2xx answers per path. Used for the figures in docs/scaling.md; bench/locustfile.py is the
mixed workload for the full-volume run.

    .venv/bin/python bench/http_load.py --base http://127.0.0.1:8791 --users 8 --seconds 20 \\
        --login bappeda:smart-economy-demo /analytics/scorecard/

Run it against gunicorn (scripts/prod-web.sh) with the demo data on PostgreSQL; --login signs every user in
through the login form first (CSRF token and all), as a browser does.
"""

import argparse
import http.client
import re
import statistics
import threading
import time
from urllib.parse import urlencode, urlsplit


class Session:
    def __init__(self, base):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.setdefault("Host", f"{self.host}:{self.port}")
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def login(self, username, password):
        status, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{self.host}:{self.port}/",
            },
        )
        if status != 302:
            raise SystemExit(f"login of {username} failed: HTTP {status}")


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--login", help="user:password for every simulated user")
    args = parser.parse_args()

    latencies = {path: [] for path in args.paths}
    failures = {path: 0 for path in args.paths}
    lock = threading.Lock()
    ready = threading.Barrier(args.users + 1)
    stop_at = [0.0]

    def user(index):
        session = Session(args.base)
        if args.login:
            session.login(*args.login.split(":", 1))
        ready.wait()
        n = index
        while time.monotonic() < stop_at[0]:
            path = args.paths[n % len(args.paths)]
            n += 1
            started = time.perf_counter()
            status, _ = session.request("GET", path)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies[path].append(elapsed)
                if not 200 <= status < 300:
                    failures[path] += 1

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(args.users)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.monotonic() + 3600
    ready.wait()
    began = time.monotonic()
    stop_at[0] = began + args.seconds
    for thread in threads:
        thread.join()
    duration = time.monotonic() - began
    total = sum(len(v) for v in latencies.values())
    print(f"{args.users} users, {duration:.1f} s, {total} requests, {total / duration:.1f} req/s")
    print(f"{'path':<48} {'req':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'non-2xx':>7}")
    for path, values in latencies.items():
        print(
            f"{path[:48]:<48} {len(values):>6} {len(values) / duration:>7.1f} {statistics.median(values) if values else 0:>7.0f}"
            f" {percentile(values, 95):>7.0f} {percentile(values, 99):>7.0f} {failures[path]:>7}"
        )


if __name__ == "__main__":
    main()
