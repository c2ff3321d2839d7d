"""Permit tracking for applicants (issue 16): the tracking code on every creation path and in the migration, the
receipt, and the public page: the timeline, the working days left, the return reason; a wrong code answers like an
unknown number; attempts are limited per client address; nothing personal is shown."""

import importlib.util
import io
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from licensing import models as licensing_models
from licensing.forms import TrackingForm
from licensing.models import TRACKING_CODE_ALPHABET, PermitApplication, PermitType
from licensing.services import permit_application_create, permit_application_transition
from licensing.views import TRACKING_ATTEMPTS
from smarteconomy.importing import run_import

TRACK = reverse("licensing:tracking")
CODE = re.compile(rf"^[{TRACKING_CODE_ALPHABET}]{{10}}$")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture(autouse=True)
def _english(client):
    """The assertions read the English msgids: the user chose English (the product starts in Indonesian)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def permit_type(db):
    return PermitType.objects.create(
        code="pbg", name="Persetujuan Bangunan Gedung", service_level_days=5, risk_level="rendah"
    )


def make(permit_type, number="SPT-2025-0001", *, submitted=None, **extra):
    fields = {
        "registration_number": number,
        "applicant_name": "Budi Santoso",
        "applicant_kind": "person",
        "nib": "9120001234567",
        "permit_type": permit_type,
        "channel": "counter",
        "submitted_at": submitted or timezone.now() - timedelta(minutes=30),
    }
    fields.update(extra)
    return permit_application_create(**fields)


def track(client, number, code, **extra):
    return client.post(TRACK, {"registration_number": number, "tracking_code": code}, **extra)


def without_csrf(response):
    return CSRF.sub("", response.content.decode())


def wrong_code_for(code):
    """A well-formed code that differs from ``code`` in its last character."""
    last = TRACKING_CODE_ALPHABET[(TRACKING_CODE_ALPHABET.index(code[-1]) + 1) % len(TRACKING_CODE_ALPHABET)]
    return code[:-1] + last


# --- The code on every creation path -------------------------------------------------------------------------


def test_the_code_is_random_well_formed_and_unique_across_paths(permit_type, role_users, client):
    direct = make(permit_type, "SPT-1")
    client.force_login(role_users["dpmptsp"])
    response = client.post(
        reverse("licensing:application_add"),
        {
            "registration_number": "SPT-FORM",
            "applicant_name": "CV Maju",
            "applicant_kind": "company",
            "permit_type": permit_type.pk,
            "channel": "spontan",
            "submitted_at": "2025-08-04T09:00",
        },
    )
    assert response.status_code == 302, response.content
    batch = run_import(
        "permits",
        data=(
            b"registration_number,applicant_name,applicant_kind,nib,kbli_codes,permit_type,channel,kelurahan,"
            b"submitted_at,status,decided_at,issued_at,oss_reference\n"
            b"SPT-IMP-1,CV Maju,company,,,pbg,spontan,,2025-08-04 09:00,,,,\n"
            b"SPT-IMP-2,PT Teluk,company,,,pbg,oss,,2025-08-05 09:00,issued,2025-08-06 10:00,2025-08-07 09:00,\n"
        ),
        filename="permits.csv",
        user=role_users["dpmptsp"],
    )
    assert batch.rows_created == 2, batch.errors
    codes = dict(PermitApplication.objects.values_list("registration_number", "tracking_code"))
    assert set(codes) == {"SPT-1", "SPT-FORM", "SPT-IMP-1", "SPT-IMP-2"}
    assert all(CODE.match(code) for code in codes.values()), codes
    assert len(set(codes.values())) == len(codes)
    assert codes["SPT-1"] == direct.tracking_code
    # Not derived from anything the applicant or a clerk knows: two applications with the same data differ.
    assert make(permit_type, "SPT-2").tracking_code != direct.tracking_code


def test_a_clash_with_an_existing_code_draws_a_new_one(permit_type, monkeypatch):
    first = make(permit_type, "SPT-1")
    drawn = iter([first.tracking_code, first.tracking_code, "ABCDE23456"])
    monkeypatch.setattr("licensing.services.new_tracking_code", lambda: next(drawn))
    second = make(permit_type, "SPT-2")
    assert second.tracking_code == "ABCDE23456"


def test_the_demo_and_the_bench_loader_give_codes(permit_type, role_users, settings):
    from licensing import demo

    settings.DEMO_LICENSING_SCALE = 0.02
    demo.seed(io.StringIO())
    spec = importlib.util.spec_from_file_location(
        "load_volumes", Path(__file__).resolve().parents[2] / "bench" / "load_volumes.py"
    )
    load_volumes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load_volumes)
    load_volumes.add_permits(40, log=lambda *args: None)  # bulk_create, past the services: the model's default
    bench = PermitApplication.objects.filter(registration_number__startswith=load_volumes.PERMIT_PREFIX)
    assert bench.count() == 40 and PermitApplication.objects.exclude(pk__in=bench).exists()
    codes = list(PermitApplication.objects.values_list("tracking_code", flat=True))
    assert all(CODE.match(code) for code in codes)
    assert len(set(codes)) == len(codes)


@pytest.mark.django_db(transaction=True)
def test_the_migration_backfills_every_application_and_its_history():
    executor = MigrationExecutor(connection)
    before, after = [("licensing", "0004_status_change_reject_reasons")], [("licensing", "0005_tracking_code")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    kind = old.get_model("licensing", "PermitType").objects.create(
        code="old", name="Izin lama", service_level_days=5, risk_level="rendah"
    )
    application = old.get_model("licensing", "PermitApplication")
    history = old.get_model("licensing", "HistoricalPermitApplication")
    submitted = timezone.make_aware(datetime(2025, 3, 3, 9))
    for number in range(1, 6):
        row = application.objects.create(
            registration_number=f"OLD-{number}",
            applicant_name="Pemohon lama",
            applicant_kind="person",
            permit_type=kind,
            channel="counter",
            submitted_at=submitted,
            status="submitted",
        )
        for history_type in ("+", "~"):
            history.objects.create(
                id=row.pk,
                registration_number=row.registration_number,
                applicant_name=row.applicant_name,
                applicant_kind="person",
                permit_type_id=kind.pk,
                channel="counter",
                submitted_at=submitted,
                status="submitted",
                created_at=timezone.now(),
                history_date=timezone.now(),
                history_type=history_type,
            )
    # The history of an application deleted before the migration.
    history.objects.create(
        id=999,
        registration_number="OLD-GONE",
        applicant_name="x",
        applicant_kind="person",
        permit_type_id=kind.pk,
        channel="counter",
        submitted_at=submitted,
        status="submitted",
        created_at=timezone.now(),
        history_date=timezone.now(),
        history_type="-",
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    try:
        check_backfill()
    finally:  # back to the latest migrations, for the tests that run after this one
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def check_backfill():
    codes = dict(PermitApplication.objects.values_list("registration_number", "tracking_code"))
    assert set(codes) == {f"OLD-{n}" for n in range(1, 6)}  # nothing lost
    assert all(CODE.match(code) for code in codes.values()), codes
    assert len(set(codes.values())) == 5
    for current in PermitApplication.objects.all():
        assert set(current.history.values_list("tracking_code", flat=True)) == {current.tracking_code}
    assert PermitApplication.history.model.objects.get(id=999).tracking_code == ""


# --- The receipt and the detail page -----------------------------------------------------------------------


def test_dpmptsp_sees_the_code_and_prints_the_receipt_bappeda_does_not(permit_type, role_users, client):
    application = make(permit_type)
    shown = f"{application.tracking_code[:5]}-{application.tracking_code[5:]}"
    client.force_login(role_users["dpmptsp"])
    page = client.get(application.get_absolute_url()).content.decode()
    assert shown in page and reverse("licensing:application_receipt", args=[application.pk]) in page
    receipt = client.get(reverse("licensing:application_receipt", args=[application.pk]))
    body = receipt.content.decode()
    assert receipt.status_code == 200
    assert shown in body and application.registration_number in body and permit_type.name in body
    assert "TANDA TERIMA" in body and "http://testserver" + TRACK in body and "<svg" in body

    client.force_login(role_users["bappeda"])
    page = client.get(application.get_absolute_url())
    assert page.status_code == 200
    assert application.tracking_code not in page.content.decode() and shown not in page.content.decode()
    assert client.get(reverse("licensing:application_receipt", args=[application.pk])).status_code == 403


# --- The public page --------------------------------------------------------------------------------------


def returned_application(permit_type, officer):
    application = make(permit_type, submitted=timezone.now() - timedelta(minutes=30))
    permit_application_transition(
        application=application, to_status="verification", by=officer, at=timezone.now() - timedelta(minutes=20)
    )
    permit_application_transition(
        application=application,
        to_status="returned",
        by=officer,
        reason="wrong_file",
        note="Telepon Budi di 081234567890, NIK 6471010101010001",
        at=timezone.now() - timedelta(minutes=10),
    )
    application.refresh_from_db()
    return application


def test_anonymous_opens_the_form_and_the_page_is_not_stored(client):
    response = client.get(TRACK)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
    assert 'name="tracking_code"' in response.content.decode()


def test_the_form_needs_its_csrf_token(permit_type):
    application = make(permit_type)
    strict = Client(enforce_csrf_checks=True)
    assert track(strict, application.registration_number, application.tracking_code).status_code == 403


def test_the_right_pair_shows_the_timeline_the_days_left_and_the_return_reason(permit_type, role_users, client):
    officer = role_users["dpmptsp"]
    officer.first_name, officer.last_name = "Siti", "Petugas"
    officer.save()
    application = returned_application(permit_type, officer)
    printed = f"{application.tracking_code[:5]}-{application.tracking_code[5:].lower()}"  # as typed from paper
    response = track(client, f" {application.registration_number} ", printed)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    result = response.context["result"]
    assert [step["status"] for step in result["steps"]] == ["Submitted", "In verification", "Returned for correction"]
    assert result["days_left"] == 5 and result["paused"]  # submitted today: none of the 5 working days used
    assert result["return_reason"] == "Wrong or missing file"
    assert 'data-testid="tracking-step"' in page and page.count('data-testid="tracking-step"') == 3
    assert "5 working days left" in page and "Wrong or missing file" in page
    assert "Persetujuan Bangunan Gedung" in page
    # Nothing personal beyond what was typed: no name, NIB, the note (with a phone and a NIK), nor the officer.
    for personal in ("Budi", "9120001234567", "081234567890", "6471010101010001", "Siti", "Petugas", "dpmptsp"):
        assert personal not in page, personal


def test_a_decided_application_shows_no_days_left(permit_type, role_users, client):
    application = make(permit_type)
    for status in ("verification", "approved", "issued"):
        permit_application_transition(application=application, to_status=status, by=role_users["dpmptsp"])
    response = track(client, application.registration_number, application.tracking_code)
    assert response.context["result"]["decided"]
    assert "None: the application is decided." in response.content.decode()
    assert response.context["result"]["return_reason"] == ""


def test_a_wrong_code_answers_exactly_like_an_unknown_number(permit_type, client):
    application = make(permit_type)
    number, wrong = application.registration_number, wrong_code_for(application.tracking_code)
    with CaptureQueriesContext(connection) as wrong_queries:
        wrong_code = track(client, number, wrong)
    # The same number once no application has it any more: an unknown number, typed the same way.
    PermitApplication.objects.filter(pk=application.pk).update(registration_number="SPT-RENAMED")
    with CaptureQueriesContext(connection) as unknown_queries:
        unknown = track(client, number, wrong)
    assert wrong_code.status_code == unknown.status_code == 200
    assert without_csrf(wrong_code) == without_csrf(unknown)
    assert "No application matches" in without_csrf(unknown)
    assert "result" not in wrong_code.context or not wrong_code.context.get("result")
    # The same work on the database for both (one look-up by number), and a constant-time comparison.
    assert len(wrong_queries) == len(unknown_queries)
    # Another unknown number: the same page but for the number echoed in the form.
    other = track(client, "SPT-9999-0000", wrong)
    assert without_csrf(other).replace("SPT-9999-0000", number) == without_csrf(unknown)


def test_a_malformed_code_is_explained(client):
    response = track(client, "SPT-1", "ABC-O1")
    assert response.status_code == 200
    assert "A tracking code has 10 letters and digits" in response.content.decode()
    assert TrackingForm({"registration_number": "X", "tracking_code": "abcde 23456"}).is_valid()


def test_attempts_are_limited_per_client_address(permit_type, client):
    application = make(permit_type)
    wrong = wrong_code_for(application.tracking_code)
    for _attempt in range(TRACKING_ATTEMPTS):
        assert track(client, application.registration_number, wrong).status_code == 200
    limited = track(client, application.registration_number, application.tracking_code)
    assert limited.status_code == 429
    assert "Too many attempts" in limited.content.decode() and int(limited["Retry-After"]) == 600
    assert not limited.context.get("result")  # even the right pair is not looked up
    other = track(client, application.registration_number, application.tracking_code, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200 and other.context["result"]


def test_the_limit_counts_the_client_behind_the_proxy(permit_type, client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    application = make(permit_type)
    wrong = wrong_code_for(application.tracking_code)
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _attempt in range(TRACKING_ATTEMPTS):
        track(client, "SPT-X", wrong, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert track(client, "SPT-X", wrong, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code == 429
    # A forged left-hand entry does not give the same client a fresh count ...
    forged = track(client, "SPT-X", wrong, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", **proxy)
    assert forged.status_code == 429
    # ... and another client behind the same proxy is still served.
    response = track(
        client,
        application.registration_number,
        application.tracking_code,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
        **proxy,
    )
    assert response.status_code == 200 and response.context["result"]


def test_the_page_is_in_indonesian_by_default(permit_type):
    application = make(permit_type)
    fresh = Client()
    with translation.override("id"):
        page = fresh.get(TRACK).content.decode()
        assert "Lacak permohonan izin Anda" in page
        response = track(fresh, application.registration_number, wrong_code_for(application.tracking_code))
    assert "Tidak ada permohonan" in response.content.decode()


def test_a_new_tracking_code_uses_fifty_random_bits(monkeypatch):
    monkeypatch.setattr(licensing_models.secrets, "randbits", lambda bits: (1 << bits) - 1)
    assert licensing_models.new_tracking_code() == TRACKING_CODE_ALPHABET[-1] * 10
    monkeypatch.setattr(licensing_models.secrets, "randbits", lambda bits: 0)
    assert licensing_models.new_tracking_code() == TRACKING_CODE_ALPHABET[0] * 10


# --- The limiter itself (smarteconomy.ratelimit) -----------------------------------------------------------


def _request(address, forwarded=None):
    from django.test import RequestFactory

    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post(TRACK, **extra)


def test_an_ipv6_client_is_counted_per_64_block():
    from smarteconomy.ratelimit import attempt_allowed, client_key

    assert (
        client_key(_request("2001:db8:1:2::5")) == client_key(_request("2001:db8:1:2:ffff::9")) == "2001:db8:1:2::/64"
    )
    assert client_key(_request("2001:db8:1:3::5")) != client_key(_request("2001:db8:1:2::5"))
    assert client_key(_request("192.0.2.4")) == "192.0.2.4"
    for _attempt in range(3):
        assert attempt_allowed(_request("2001:db8:1:2::1"), scope="t", limit=3, window=60)
    assert not attempt_allowed(_request("2001:db8:1:2::77"), scope="t", limit=3, window=60)
    assert attempt_allowed(_request("2001:db8:1:3::1"), scope="t", limit=3, window=60)
    assert attempt_allowed(_request("2001:db8:1:2::1"), scope="other", limit=3, window=60)  # scopes apart


def test_the_window_ends_and_the_count_starts_again(monkeypatch):
    from smarteconomy import ratelimit

    for _attempt in range(2):
        assert ratelimit.attempt_allowed(_request("192.0.2.9"), scope="t", limit=2, window=60)
    assert not ratelimit.attempt_allowed(_request("192.0.2.9"), scope="t", limit=2, window=60)
    ratelimit.cache.delete("ratelimit:t:192.0.2.9")  # what the cache does when the window's timeout passes
    assert ratelimit.attempt_allowed(_request("192.0.2.9"), scope="t", limit=2, window=60)


def test_when_redis_does_not_answer_the_attempt_is_allowed_not_a_server_error(monkeypatch):
    from redis.exceptions import ConnectionError as RedisConnectionError

    from smarteconomy import ratelimit
    from smarteconomy.cache import TolerantRedisCache

    cache = TolerantRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})

    def refuse(*args, **kwargs):
        raise RedisConnectionError("connection refused")

    monkeypatch.setattr(cache._cache, "get_client", refuse)
    monkeypatch.setattr(ratelimit, "cache", cache)
    assert ratelimit.attempt_allowed(_request("192.0.2.10"), scope="t", limit=1, window=60)
    assert ratelimit.attempt_allowed(_request("192.0.2.10"), scope="t", limit=1, window=60)
