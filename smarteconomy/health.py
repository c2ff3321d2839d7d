"""The health endpoint for the load balancer and the service manager: is the database reachable, is the broker?

No authentication, no personal data, no error details (they may carry host names or credentials; the log
has them): only which part is failing. 200 when every part answers, 503 naming the failing parts."""

import logging

from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def check_database():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker():
    from .celery import app

    with app.connection_for_write(connect_timeout=2) as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)


CHECKS = (("database", check_database), ("broker", check_broker))


@never_cache
@require_GET
def health(request):
    results = {}
    for name, check in CHECKS:
        try:
            check()
        except Exception as exc:
            logger.error("health check: %s is not answering (%s: %s)", name, type(exc).__name__, exc)
            results[name] = "failing"
        else:
            results[name] = "ok"
    failing = [name for name, result in results.items() if result != "ok"]
    body = {"status": "fail" if failing else "ok", "checks": results}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)
