"""Production readiness: the health endpoint, logs without personal data, structured logs, and what the
product does when Redis is down, when an upload is too large and when the disk is full."""

import errno
import json
import logging
import os
import secrets
import subprocess
import sys

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.urls import reverse
from django.utils import translation

from analytics.models import IndicatorSnapshot
from smarteconomy import health
from smarteconomy.celery import app
from smarteconomy.choices import ImportStatus, Role
from smarteconomy.logs import JsonFormatter, PersonalDataFilter, mask_personal_data
from smarteconomy.models import DirtyPeriod, ImportBatch, TaskRun
from smarteconomy.tests.sampleapp.models import Payment

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused at once
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Messages are asserted in English (the interface is Indonesian unless the language cookie says otherwise)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def broker_down():
    """The Celery broker is a Redis that does not answer (and tasks are not run in-process)."""
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = DEAD_REDIS, False
    yield
    app.conf.broker_url, app.conf.task_always_eager = saved


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "smarteconomy.cache.TolerantRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }


# --- Health ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_health_says_ok_with_json_when_database_and_broker_answer(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_names_the_broker_when_it_does_not_answer(client, broker_down, caplog):
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {
        "status": "fail",
        "checks": {"database": "ok", "broker": "failing"},
        "failing": ["broker"],
    }
    # The details (host, port) are in the log, not in the public answer.
    assert "127.0.0.1:1" not in response.content.decode()
    assert any("broker is not answering" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_health_names_the_database_when_it_does_not_answer(client, monkeypatch):
    from django.db import OperationalError

    def refused():
        raise OperationalError("connection to server at 127.0.0.1:5432 failed")

    monkeypatch.setattr(health, "CHECKS", (("database", refused), ("broker", health.check_broker)))
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]
    assert "5432" not in response.content.decode()


@pytest.mark.django_db
def test_health_only_answers_get(client):
    assert client.post(reverse("health")).status_code == 405


# --- Logs -----------------------------------------------------------------------------------------------------


def record(message, *args, exc_info=None):
    return logging.LogRecord("smarteconomy.test", logging.WARNING, __file__, 1, message, args, exc_info)


def test_the_log_filter_masks_nik_and_phone_numbers_in_messages_arguments_and_tracebacks():
    entry = record("MSME %s registered by NIK %s, phone %s", "Tahu Bu Sri", "6471015012900001", "+62 812-3456-7890")
    try:
        raise ValueError("duplicate NIK 6471015012900001 (call 081234567890)")
    except ValueError:
        entry.exc_info = sys.exc_info()
    assert PersonalDataFilter().filter(entry) is True
    text = logging.Formatter().format(entry)
    assert "6471015012900001" not in text and "81234567890" not in text and "812-3456-7890" not in text
    assert "6471**********01" in text  # masked as the pages mask it (smarteconomy.roles.mask_nik)
    assert "0812*****890" in text
    assert "Tahu Bu Sri" in text


@pytest.mark.parametrize(
    "kept",
    [
        "NIB 9120001234567",  # 13 digits: a business id, not personal
        "transaction 20250131080000123",  # 17 digits: an operator's id
        "Rp 1.234.567,89",
        "2025-01-31 08:00:00",
        "KBLI 10792",
        "Task succeeded in 0.7628123456789059s",  # a duration's decimals (Celery's log line)
        "ratio 0.8123456789012",
    ],
)
def test_the_log_filter_leaves_other_numbers_alone(kept):
    assert mask_personal_data(kept) == kept


def test_json_log_lines_are_parseable_and_carry_the_traceback():
    entry = record("import %s refused", "grdp")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        entry.exc_info = sys.exc_info()
    line = JsonFormatter().format(entry)
    parsed = json.loads(line)
    assert parsed["level"] == "WARNING" and parsed["logger"] == "smarteconomy.test"
    assert parsed["message"] == "import grdp refused"
    assert "RuntimeError: boom" in parsed["exception"]
    assert parsed["time"].endswith("+00:00")


def test_production_settings_write_json_logs_without_personal_data():
    code = (
        "import django, logging; django.setup();"
        "logging.getLogger('msme').warning('NIK %s phone %s', '6471015012900001', '081234567890')"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    environment.update(
        DJANGO_SETTINGS_MODULE="smarteconomy.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="example.org",
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.strip().splitlines()]
    assert lines[-1]["logger"] == "msme"
    assert lines[-1]["message"] == "NIK 6471**********01 phone 0812*****890"


def test_gunicorn_logs_go_through_the_same_filter_and_formatter():
    namespace = {}
    with open(os.path.join(ROOT, "deploy", "gunicorn.conf.py")) as config:
        exec(config.read(), namespace)  # noqa: S102 (our own file)
    handler = namespace["logconfig_dict"]["handlers"]["console"]
    assert handler["filters"] == ["personal_data"] and handler["formatter"] == "json"
    assert namespace["logconfig_dict"]["filters"]["personal_data"]["()"] == "smarteconomy.logs.PersonalDataFilter"


# --- Redis down -----------------------------------------------------------------------------------------------


def test_the_cache_misses_instead_of_failing_when_redis_is_down(cache_down, caplog):
    from django.core.cache import cache

    assert cache.get("anything", "default") == "default"
    cache.set("anything", "value")  # dropped, not raised
    assert cache.get_many(["a", "b"]) == {}
    assert any("cache unavailable" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_pages_still_serve_when_redis_is_down(client, role_users, reference_data, cache_down, broker_down):
    from analytics.tests.test_scorecard import DEMO_FILE
    from smarteconomy.importing import run_import

    run_import("grdp", data=DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, user=role_users["bappeda"])
    # Signing in needs no Redis either (sessions and the lockout records are in the database).
    response = client.post(reverse("login"), {"username": "bappeda", "password": "x-test-password-1"})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    for name in ("analytics:scorecard", "analytics:leading_sectors", "reference:kelurahan_list"):
        assert client.get(reverse(name)).status_code == 200, name
    # The leading-sectors page computes its (normally cached) analysis.
    page = client.get(reverse("analytics:leading_sectors"), {"region": "6471"})
    assert page.status_code == 200


@pytest.mark.django_db
def test_recompute_now_says_the_queue_is_unavailable_and_nothing_is_lost(client, role_users, reference_data):
    from analytics.tests.test_scorecard import DEMO_FILE
    from smarteconomy.importing import run_import

    client.force_login(role_users["bappeda"])
    batch = run_import("grdp", data=DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, user=role_users["bappeda"])
    assert batch.status == ImportStatus.COMMITTED
    dirty_before = DirtyPeriod.objects.count()
    assert dirty_before and not IndicatorSnapshot.objects.exists()

    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = DEAD_REDIS, False
    try:
        response = client.post(reverse("analytics:recompute"), follow=True)
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
    assert response.status_code == 200
    text = response.content.decode()
    assert "The task queue is unavailable right now" in text and "Nothing is lost" in text
    assert not TaskRun.objects.filter(task="analytics.indicators_recompute").exists()
    assert DirtyPeriod.objects.count() == dirty_before  # the work to do is still recorded

    # Redis is back: the same button recomputes what changed while it was down.
    response = client.post(reverse("analytics:recompute"), follow=True)
    assert "Recompute queued" in response.content.decode()
    assert TaskRun.objects.get(task="analytics.indicators_recompute").status == "succeeded"
    assert IndicatorSnapshot.objects.exists() and not DirtyPeriod.objects.exists()


# --- Uploads: too large, disk full, Redis down ----------------------------------------------------------------------


@pytest.fixture
def clerk(make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    user = make_user("clerk", Role.DKUMKMP)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="sampleapp", codename="add_payment"))
    return user


def payments_csv(rows):
    lines = ["reference,paid_on,amount,channel,kelurahan,note"]
    lines += [f"INV-{n},2026-01-31,1000,qris,,{'x' * 60}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def upload_url():
    return reverse("imports:upload", kwargs={"importer": "sample-payments"})


@pytest.mark.django_db
def test_an_oversized_upload_is_refused_while_it_arrives_and_never_stored(client, clerk, settings, monkeypatch):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1 * MB
    stored = []
    monkeypatch.setattr(
        TemporaryFileUploadHandler, "new_file", lambda self, *a, **k: stored.append(1) or None, raising=True
    )
    client.force_login(clerk)
    data = payments_csv(40_000)
    assert len(data) > 3 * MB
    response = client.post(upload_url(), {"file": SimpleUploadedFile("big.csv", data)})
    assert response.status_code == 413
    text = response.content.decode()
    assert "at most 1 MB are accepted" in text and "Split it into smaller files" in text
    assert stored == []  # no temporary file was started
    assert Payment.objects.count() == 0 and not ImportBatch.objects.exists()
    # A file within the limit still imports.
    response = client.post(upload_url(), {"file": SimpleUploadedFile("ok.csv", payments_csv(10))})
    assert response.status_code == 200 and Payment.objects.count() == 10


@pytest.mark.django_db
def test_disk_full_while_receiving_the_upload_is_a_clear_page(client, clerk, settings, monkeypatch):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # force the temporary file

    def no_space(self, raw_data, start):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", no_space)
    client.force_login(clerk)
    response = client.post(upload_url(), {"file": SimpleUploadedFile("p.csv", payments_csv(100))})
    assert response.status_code == 507
    assert "no room to store this file" in response.content.decode()
    assert Payment.objects.count() == 0


@pytest.mark.django_db
def test_disk_full_while_storing_the_file_refuses_the_import_and_writes_nothing(client, clerk, monkeypatch):
    def no_space(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", no_space)
    client.force_login(clerk)
    response = client.post(upload_url(), {"file": SimpleUploadedFile("p.csv", payments_csv(5))})
    assert response.status_code == 422
    assert "no room to store this file" in response.content.decode()
    assert Payment.objects.count() == 0
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.REFUSED and not batch.file
    monkeypatch.undo()
    response = client.post(upload_url(), {"file": SimpleUploadedFile("p.csv", payments_csv(5))})
    assert response.status_code == 200 and Payment.objects.count() == 5  # the retry works


@pytest.mark.django_db
def test_uploads_need_no_redis(client, clerk, cache_down, broker_down):
    client.force_login(clerk)
    response = client.post(upload_url(), {"file": SimpleUploadedFile("p.csv", payments_csv(3))})
    assert response.status_code == 200
    assert Payment.objects.count() == 3


# --- Service files ----------------------------------------------------------------------------------------------


def test_the_service_scripts_parse_and_each_unit_starts_an_existing_script():
    import re
    from pathlib import Path

    root = Path(ROOT)
    for script in sorted((root / "scripts").glob("*.sh")):
        result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
        assert result.returncode == 0, f"{script.name}: {result.stderr}"
    units = {unit.name: unit.read_text() for unit in (root / "deploy" / "systemd").glob("*.service")}
    assert set(units) == {"smarteconomy-web.service", "smarteconomy-worker.service", "smarteconomy-beat.service"}
    for name, text in units.items():
        start = re.search(r"^ExecStart=/opt/smarteconomy/(\S+)$", text, re.M).group(1)
        assert (root / start).is_file() and os.access(root / start, os.X_OK), f"{name}: {start}"
        assert "EnvironmentFile=/etc/smarteconomy/env" in text
    # One worker pool without a beat; the beat alone, guarded by a lock.
    worker = (root / "scripts" / "prod-worker.sh").read_text()
    command = worker[worker.index("\nexec ") :]
    assert " worker " in command and "--beat" not in command and "--pool prefork" in command
    assert "flock -n" in (root / "scripts" / "prod-beat.sh").read_text()
