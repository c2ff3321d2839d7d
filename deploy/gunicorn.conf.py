"""gunicorn settings for production (scripts/prod-web.sh). Every value can be overridden from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two workers per core is gunicorn's advice for a synchronous Django app; threads let a worker wait on the
# database for one request while it serves another.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter), so that a slow leak never grows for months.
max_requests = 2000
max_requests_jitter = 200
# Request line and headers: gunicorn's defaults, stated. The body size is limited by Django
# (IMPORT_MAX_UPLOAD_BYTES, checked while the upload arrives) and should be by the reverse proxy too.
limit_request_line = 4094
limit_request_fields = 100
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# Access and error lines as JSON, through the same personal-data filter as the application's logs (a NIK or
# phone number typed into a search box ends up in the query string).
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "smarteconomy.logs.PersonalDataFilter"}},
    "formatters": {"json": {"()": "smarteconomy.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["personal_data"], "formatter": "json"},
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": "INFO"},
}
