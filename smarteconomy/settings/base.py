"""Settings shared by every environment. Everything that differs between machines comes from the environment.

Environment variables:
    DATABASE_URL          PostgreSQL (postgres://user:pass@host:5432/name); SQLite file under var/ when unset.
    REDIS_URL             Redis for the cache and the Celery broker; a file-system broker under var/ when unset.
    DJANGO_SECRET_KEY     required in production.
    DJANGO_DEBUG          "true" to show debug pages (never in production).
    DJANGO_ALLOWED_HOSTS  comma-separated host names.
    DJANGO_VAR_DIR        where the embedded database, broker folders and uploads live (default ./var).
    DJANGO_TRUSTED_PROXY_COUNT  reverse proxies in front that append X-Forwarded-For (0: none, the default).
    EMAIL_URL             where e-mail goes (dj-email-url): smtp://user:pass@host:587 (STARTTLS on port 587, or
                          ?tls=True), smtps://... (TLS from the start); the console when unset (development).
    DEFAULT_FROM_EMAIL    the sender of the notifications.
    SITE_URL              the address the links in e-mails start with (https://smarteconomy.balikpapan.go.id).
    PARKING_RETENTION_MONTHS  months of the e-parking log kept in the database before the current one (60).
    PARKING_ARCHIVE_DIR   where archived months of that log are dumped (default var/archive/parking).
"""

import os
from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
import dj_email_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))
# Where scripts/backup.sh writes its dumps (the administrators' worklist shows the last one's age).
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", VAR_DIR / "backups"))

IS_PRODUCTION = False
SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "insecure-development-key-only-for-the-embedded-setup-never-in-production"
)
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "smarteconomy.apps.BackOfficeAdminConfig",  # django.contrib.admin with the back office's site (admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "simple_history",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "smarteconomy",
    "analytics",
    "licensing",
    "industry_center",
    "msme",
    "cashless",
    "notifications",  # after the apps: it discovers their notifications.py
    "opendata",  # last: it discovers the other apps' datasets.py
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "smarteconomy.middleware.IdleTimeoutMiddleware",
    "smarteconomy.middleware.LanguageMiddleware",
    "smarteconomy.middleware.UploadGuardMiddleware",
    "smarteconomy.middleware.NulCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "smarteconomy.urls"
WSGI_APPLICATION = "smarteconomy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "smarteconomy.context_processors.navigation",
                "notifications.context_processors.bell",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------------------
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {
                # The web server and the Celery worker share the file: wait for locks instead of failing,
                # and take the write lock at the start of a transaction so that two writers never deadlock.
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # When Redis is down the cache misses instead of failing (pages are computed), and waits at most 2 s.
    CACHES = {
        "default": {
            "BACKEND": "smarteconomy.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # A broker that needs no server: messages are files in a folder shared by the web and the worker.
    for _folder in ("queue", "processed", "control"):
        (VAR_DIR / "celery" / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_TIMEZONE = "Asia/Makassar"
CELERY_ENABLE_UTC = False
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
# Every scheduled task writes its own TaskRun row; Celery's result store is not needed.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
# The one beat schedule of the product. Times are WITA (Asia/Makassar).
CELERY_BEAT_SCHEDULE = {
    "housekeeping-nightly": {
        "task": "smarteconomy.housekeeping_run",
        "schedule": crontab(hour=1, minute=0),
    },
    # Before the indicators: yesterday's e-parking summaries and any date an import left dirty.
    "cashless-summaries-nightly": {
        "task": "cashless.daily_summaries_nightly",
        "schedule": crontab(hour=0, minute=30),
    },
    # The e-parking log's partitions: the months ahead created, the months past retention archived.
    "cashless-partitions-nightly": {
        "task": "cashless.partitions_nightly",
        "schedule": crontab(hour=0, minute=15),
    },
    "indicators-recompute-nightly": {
        "task": "analytics.indicators_recompute",
        "schedule": crontab(hour=1, minute=0),
    },
    # Issues the month's levy bills (SKRD) of the industry centre on the 1st; idempotent.
    "industry-center-levy-bills-monthly": {
        "task": "industry_center.levy_bills_issue_month",
        "schedule": crontab(day_of_month=1, hour=0, minute=30),
    },
    "industry-center-levy-overdue-nightly": {
        "task": "industry_center.levy_bills_mark_overdue",
        "schedule": crontab(hour=0, minute=45),
    },
    # The notification rules (notifications.rules), then the e-mails of those set to "immediately".
    "notifications-run": {
        "task": "notifications.run",
        "schedule": crontab(minute="*/15"),
    },
    # Each user's daily digest, at 07:00 WITA as the issue asks.
    "notifications-digest-daily": {
        "task": "notifications.digest",
        "schedule": crontab(hour=7, minute=0),
    },
    # The scheduled reports (notifications.reports, declared in each app's notifications.py), each at its time.
    # The previous month's monitoring report (PDF) to Bappeda on the 5th.
    "notifications-report-monitoring-monthly": {
        "task": "notifications.reports",
        "schedule": crontab(day_of_month=5, hour=7, minute=0),
        "kwargs": {"codes": ["analytics.monitoring_report"]},
    },
    # Last week's service-level digest to the DPMPTSP head on Monday.
    "notifications-report-service-level-weekly": {
        "task": "notifications.reports",
        "schedule": crontab(day_of_week=1, hour=7, minute=0),
        "kwargs": {"codes": ["licensing.service_level_weekly"]},
    },
    # The arrears letters (surat teguran, PDF) to the industry centre on the 5th, after the due dates of the month
    # before have passed and the nightly task has marked the bills overdue.
    "notifications-report-arrears-letters-monthly": {
        "task": "notifications.reports",
        "schedule": crontab(day_of_month=5, hour=7, minute=0),
        "kwargs": {"codes": ["industry_center.arrears_letters"]},
    },
    # Retries of e-mails the mail server refused or a dead worker left half-sent (with backoff, see below).
    "notifications-outbox-send": {
        "task": "notifications.outbox_send",
        "schedule": crontab(minute="*/5"),
    },
}
# A run older than this is taken as crashed and no longer blocks the next run of the same task.
TASK_LOCK_STALE_AFTER = timedelta(hours=6)

# --- E-mail (notifications) ------------------------------------------------------------------------------
_email = dj_email_url.parse(os.environ.get("EMAIL_URL") or "console:")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
# Port 587 is the submission port, where servers expect STARTTLS: smtp://...:587 means it, as the issue writes it.
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"] or (EMAIL_PORT == 587 and not EMAIL_USE_SSL)
EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"] or 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Smart Economy Balikpapan <noreply@balikpapan.go.id>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# A message is tried at most this many times, waiting 1, 2, 4, ... minutes (at most 6 hours) between tries; then it
# is marked failed and shown to the administrators.
NOTIFICATIONS_MAX_ATTEMPTS = 12
NOTIFICATIONS_RETRY_BASE = timedelta(minutes=1)
NOTIFICATIONS_RETRY_MAX = timedelta(hours=6)
# A message a worker claimed and did not finish within this time (the worker died) is claimed again.
NOTIFICATIONS_SEND_LEASE = timedelta(minutes=10)

# --- Authentication -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "smarteconomy.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's, with each user's permissions and role kept in the cache (smarteconomy.backends.ModelBackend).
    "smarteconomy.backends.ModelBackend",
]
# How long a user's permissions and role stay in the cache; any change to users, groups or permissions empties it
# at once. Only with Redis by default: the embedded cache is each process's own, and a change made in another
# process (a command, the worker) would not reach it.
AUTHORIZATION_CACHE_SECONDS = int(os.environ.get("AUTHORIZATION_CACHE_SECONDS", "60" if REDIS_URL else "0"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Five failed logins for the same user name from the same address lock that pair out for 15 minutes.
# (Locking by user name alone would let anyone lock a colleague out.)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The client's address behind the TLS proxy (X-Forwarded-For, believed only for the configured number of
# proxies), so that the lockout counts each client's failures and not the proxy's: smarteconomy.client_address.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "smarteconomy.client_address.client_ip"

# An idle session ends after 30 minutes: a request pushes the expiry forward, with a save of the session at most
# once a minute (smarteconomy.middleware.IdleTimeoutMiddleware) rather than a database write on every request.
SESSION_COOKIE_AGE = 30 * 60
if REDIS_URL:
    # Sessions are read from Redis, and written to both the database and Redis (Django's cached_db): a page reads
    # no session row. Redis down: read from the database (TolerantRedisCache misses).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy: only our own origin, no inline script, no eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Locale ---------------------------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Makassar"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Numbers use the Indonesian separators (1.234.567,89) in both languages, so that a figure reads the
# same whichever language a colleague has chosen.
FORMAT_MODULE_PATH = ["smarteconomy.formats"]

# --- Static files and uploads ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Bootstrap's CSS and JS come from the bootstrap-wrapper package that the set-up installs, never a CDN.
_bootstrap_spec = find_spec("bootstrap_wrapper")
if _bootstrap_spec and _bootstrap_spec.origin:
    STATICFILES_DIRS.append(("vendor/bootstrap", Path(_bootstrap_spec.origin).parent.parent / "bootstrap"))
# Without collectstatic (the embedded set-up and tests) whitenoise serves straight from the finders.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Uploaded files are served by smarteconomy.media behind the records' permission checks. Set to an nginx
# ``internal`` location aliased to MEDIA_ROOT (e.g. /protected-media/) to let nginx send them (X-Accel-Redirect).
MEDIA_ACCEL_REDIRECT = os.environ.get("DJANGO_MEDIA_ACCEL_REDIRECT", "")

# --- Imports and exports -----------------------------------------------------------------------------------
IMPORT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
IMPORT_XLSX_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
IMPORT_XLSX_MAX_ENTRIES = 500
# A member of a workbook unpacking to more than this many times its packed size is a zip bomb, not a log.
IMPORT_XLSX_MAX_RATIO = 200
IMPORT_MAX_STORED_ERRORS = 10_000
IMPORT_FILE_RETENTION_DAYS = int(os.environ.get("IMPORT_FILE_RETENTION_DAYS", "90"))
# An export of more rows than this is written by a background task (a file in MEDIA_ROOT/exports/, listed under
# "My exports"); smaller ones stream at once. A user has one background export at a time.
EXPORT_INLINE_MAX_ROWS = int(os.environ.get("EXPORT_INLINE_MAX_ROWS", "5000"))
EXPORT_FILE_RETENTION_DAYS = int(os.environ.get("EXPORT_FILE_RETENTION_DAYS", "7"))
# The e-parking log (PostgreSQL: a partition a month) keeps this many months before the current one; older months
# are archived nightly (pg_dump, checksum, verified restore, then dropped; their daily summaries stay) into
# PARKING_ARCHIVE_DIR. `manage.py parking_archive` lists, archives and restores months.
PARKING_RETENTION_MONTHS = int(os.environ.get("PARKING_RETENTION_MONTHS", "60"))
PARKING_ARCHIVE_DIR = Path(os.environ.get("PARKING_ARCHIVE_DIR", VAR_DIR / "archive" / "parking"))
# The open-data portal's public responses are cached whole for this long (0: not cached); a published edition
# reaches the portal at once whatever this is (opendata.views.public_cache).
OPENDATA_CACHE_SECONDS = int(os.environ.get("OPENDATA_CACHE_SECONDS", "300"))
# The scorecard's body is cached per language, role, filter and day for this long (0: not cached); a recompute, a
# target or an edition empties that cache at once (analytics.views.scorecard.scorecard_rendering).
SCORECARD_CACHE_SECONDS = int(os.environ.get("SCORECARD_CACHE_SECONDS", "300"))
# A background export with no progress for this long is taken as stopped (its worker died): marked failed, so that
# its user can start another.
EXPORT_JOB_STALE_AFTER = timedelta(minutes=30)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# An upload larger than IMPORT_MAX_UPLOAD_BYTES is refused while it arrives, before it reaches the disk.
FILE_UPLOAD_HANDLERS = [
    "smarteconomy.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Form fields other than files (Django's default, stated here): 2.5 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# --- Tables -------------------------------------------------------------------------------------------------
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"
LIST_PER_PAGE_CHOICES = (25, 50, 100, 250)

DEMO_PASSWORD_DEFAULT = "smart-economy-demo"

# Every log line goes through the personal-data filter: no NIK or phone number reaches a log. Production
# writes one JSON object per line instead of text (settings/production.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "smarteconomy.logs.PersonalDataFilter"}},
    "formatters": {"text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["personal_data"], "formatter": "text"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Scorecard -------------------------------------------------------------------------------------------------
# Achievement (value against target, %) from which an indicator is "at risk" rather than "off track";
# 100 % and above is "on track".
# The page a role starts on after logging in instead of the home page. Empty: every role starts on its worklist
# (the home page); Bappeda's links the scorecard first.
ROLE_HOME_PAGES = {}
SCORECARD_AT_RISK_FROM = float(os.environ.get("SCORECARD_AT_RISK_FROM", "90"))

# --- Industry-centre levy (industry_center) -----------------------------------------------------------------
# Defaults follow UU 1/2022 (HKPD) on retribusi: late payment is charged interest of 1 % a month of the unpaid
# levy, for at most 24 months, billed with an STRD. The due day and the arrears bill's term are the centre's
# practice. CHECK all four against the Perda/Perwali on retribusi of Kota Balikpapan before production use.
LEVY_DUE_DAY = int(os.environ.get("LEVY_DUE_DAY", "15"))  # day of the billed month (clamped to its last day)
LEVY_INTEREST_RATE_PER_MONTH = os.environ.get("LEVY_INTEREST_RATE_PER_MONTH", "1")  # percent, a decimal text
LEVY_INTEREST_CAP_MONTHS = int(os.environ.get("LEVY_INTEREST_CAP_MONTHS", "24"))
LEVY_ARREARS_DUE_DAYS = int(os.environ.get("LEVY_ARREARS_DUE_DAYS", "30"))  # an STRD is due this many days later
# A QRIS settlement row without a bill number matches an open bill of the same amount issued at most this many
# days before the transaction.
QRIS_MATCH_WINDOW_DAYS = int(os.environ.get("QRIS_MATCH_WINDOW_DAYS", "45"))

# --- JSON API (analytics/api.py) -------------------------------------------------------------------------------
# Read-only, for open-data portals. A portal sends "Authorization: Token <key>" (tokens are created by an
# administrator in the back office); a signed-in colleague's session works too. Token comes first so that an
# anonymous request gets 401 with "WWW-Authenticate: Token". JSON only: the browsable API needs inline scripts
# that the CSP forbids. Each API view adds the scorecard's read permission (analytics.api.CanReadScorecard).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "smarteconomy.tokens.ApiTokenAuthentication",  # "Token <key>", stored hashed
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's parser and pagination, with a crafted body or cursor refused by a 400 (smarteconomy/api_input.py).
    "DEFAULT_PARSER_CLASSES": ["smarteconomy.api_input.JSONParser"],
    # A body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413 with a message (smarteconomy/api_input.py).
    "EXCEPTION_HANDLER": "smarteconomy.api_input.exception_handler",
    # Lists page by a cursor (each view orders by a stable key: analytics.api.SnapshotPagination).
    "DEFAULT_PAGINATION_CLASS": "smarteconomy.api_input.CursorPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Smart Economy Balikpapan API",
    "DESCRIPTION": (
        "Read-only API of the Smart Economy scorecard of Kota Balikpapan: the indicators (definition, formula, "
        "unit, baseline and targets) and their snapshots, one value per indicator and period. The values are "
        "computed nightly from the records of the city's offices; each snapshot says when it was computed and "
        "how complete its inputs were. Authenticate with a token issued by an administrator: "
        "`Authorization: Token <key>`. Only GET is allowed, except for the parking operators' endpoints under "
        "/api/cashless/, where an operator's token pushes its own location's e-parking transactions."
    ),
    "ENUM_NAME_OVERRIDES": {
        "ParkingTransactionStatusEnum": "cashless.choices.TransactionStatus",
        "ImportStatusEnum": "smarteconomy.choices.ImportStatus",
    },
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Separate request and response components: a request component states what input is refused (minLength of a
    # text that may not be blank), which schemathesis and API clients rely on.
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}
