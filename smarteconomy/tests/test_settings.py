"""Settings come from the environment; production settings pass Django's deployment checks."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

ROOT = settings.BASE_DIR


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="smarteconomy.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="smarteconomy.balikpapan.go.id",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_manage(
        "check", DJANGO_SETTINGS_MODULE="smarteconomy.settings.production", DJANGO_ALLOWED_HOSTS="example.org"
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_seed_demo_refuses_to_run_with_production_settings():
    result = run_manage(
        "seed_demo",
        DJANGO_SETTINGS_MODULE="smarteconomy.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="example.org",
        DATABASE_URL="sqlite:////nonexistent/never-touched.sqlite3",
    )
    assert result.returncode != 0
    assert "refuses to run with production settings" in result.stderr


def test_environment_selects_database_and_broker():
    code = (
        "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='smarteconomy.settings';django.setup();"
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL.split(':')[0], s.CACHES['default']['BACKEND'],"
        " s.SESSION_ENGINE, s.AUTHORIZATION_CACHE_SECONDS)"
    )
    default = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], "DJANGO_VAR_DIR": str(ROOT / "var")},
    )
    assert default.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem",
        "django.core.cache.backends.locmem.LocMemCache",
        # The embedded cache is each process's own: sessions and permissions are not kept in it.
        "django.contrib.sessions.backends.db",
        "0",
    ], default.stderr
    configured = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "PATH": os.environ["PATH"],
            "DATABASE_URL": "postgres://u@db.example:5432/se",
            "REDIS_URL": "redis://cache.example:6379/0",
        },
    )
    assert configured.stdout.split() == [
        "django.db.backends.postgresql",
        "redis",
        "smarteconomy.cache.TolerantRedisCache",
        # Redis is shared by every process: sessions are read from it, and each user's permissions kept a minute.
        "django.contrib.sessions.backends.cached_db",
        "60",
    ], configured.stderr


def test_locale_time_zone_and_session_idle_timeout():
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _ in settings.LANGUAGES] == ["id", "en"]
    assert settings.TIME_ZONE == "Asia/Makassar"
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_REFRESH_SECONDS == 60
    csp = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert "'unsafe-eval'" not in csp["script-src"] and "'unsafe-inline'" not in csp["script-src"]
