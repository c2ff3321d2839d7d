"""Login, lockout, logout, password change, language and the home page of each role."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

LOGIN = reverse("login")


@pytest.mark.django_db
def test_login_and_logout(client, make_user):
    make_user("siti", "dkumkmp")
    response = client.post(LOGIN, {"username": "siti", "password": "x-test-password-1"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_five_failed_logins_lock_the_account_for_15_minutes(client, make_user, settings):
    make_user("siti", "dkumkmp")
    for _ in range(5):
        response = client.post(LOGIN, {"username": "siti", "password": "wrong"})
    assert response.status_code in (200, 429)
    locked = client.post(LOGIN, {"username": "siti", "password": "x-test-password-1"})
    assert locked.status_code == 429
    assert "15" in locked.content.decode()
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


@pytest.mark.django_db
def test_four_failed_logins_do_not_lock(client, make_user):
    make_user("siti", "dkumkmp")
    for _ in range(4):
        client.post(LOGIN, {"username": "siti", "password": "wrong"})
    assert client.post(LOGIN, {"username": "siti", "password": "x-test-password-1"}).status_code == 302


@pytest.mark.django_db
def test_password_change(client, make_user):
    user = make_user("siti", "dkumkmp")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "x-test-password-1",
            "new_password1": "Balikpapan-2026-baru",
            "new_password2": "Balikpapan-2026-baru",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Balikpapan-2026-baru")


@pytest.mark.django_db
def test_interface_is_indonesian_by_default_and_english_on_request(client, role_users):
    client.force_login(role_users["dkumkmp"])
    page = client.get(reverse("home"))
    assert '<html lang="id">' in page.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()


def test_numbers_use_indonesian_separators_in_both_languages():
    from decimal import Decimal

    for language in ("id", "en"):
        with translation.override(language):
            assert formats.number_format(Decimal("1234567.89"), 2, use_l10n=True, force_grouping=True) == "1.234.567,89"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username, sees, does_not_see",
    [
        ("admin", ["/tasks/", "/exports/", "/admin/", "/imports/upload/wilayah/"], []),
        (
            "bappeda",
            ["/tasks/", "/exports/", "/reference/kelurahan/", "/analytics/scorecard/", "/analytics/grdp/"],
            ["/admin/", "/imports/upload/wilayah/"],
        ),
        ("dpmptsp", ["/reference/kelurahan/", "/imports/"], ["/tasks/", "/exports/", "/admin/"]),
        ("operator_airport", ["/reference/sectors/"], ["/tasks/", "/exports/", "/admin/", "/imports/upload/"]),
    ],
)
def test_home_page_shows_each_role_only_what_it_may_use(
    client, role_users, reference_data, username, sees, does_not_see
):
    client.force_login(role_users[username])
    html = client.get(reverse("home"), follow=True).content.decode()
    for url in sees:
        assert f'href="{url}' in html, url
    for url in does_not_see:
        assert f'href="{url}' not in html, url


def _lock(client, username, **extra):
    for _ in range(5):
        client.post(LOGIN, {"username": username, "password": "wrong"}, **extra)


@pytest.mark.django_db
def test_the_lockout_ends_after_15_minutes(client, make_user):
    from axes.models import AccessAttempt

    make_user("siti", "dkumkmp")
    _lock(client, "siti")
    assert client.post(LOGIN, {"username": "siti", "password": "x-test-password-1"}).status_code == 429
    # 14 minutes later: still locked; 16 minutes later: the right password works again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert client.post(LOGIN, {"username": "siti", "password": "x-test-password-1"}).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = client.post(LOGIN, {"username": "siti", "password": "x-test-password-1"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


@pytest.mark.django_db
def test_the_lockout_is_per_user_name_and_address(make_user):
    """Five failures lock that user name from that address: a colleague at the same address, and the same user
    from another address, still sign in (nobody can lock an office out by guessing one name)."""
    make_user("siti", "dkumkmp")
    make_user("budi", "dkumkmp")
    _lock(Client(), "siti", REMOTE_ADDR="10.0.0.5")
    assert (
        Client().post(LOGIN, {"username": "siti", "password": "x-test-password-1"}, REMOTE_ADDR="10.0.0.5").status_code
        == 429
    )
    assert (
        Client().post(LOGIN, {"username": "budi", "password": "x-test-password-1"}, REMOTE_ADDR="10.0.0.5").status_code
        == 302
    )
    assert (
        Client().post(LOGIN, {"username": "siti", "password": "x-test-password-1"}, REMOTE_ADDR="10.0.0.9").status_code
        == 302
    )


@pytest.mark.django_db
def test_the_back_office_login_counts_and_is_locked_too(make_user):
    make_user("root", "admin", is_staff=True)
    browser = Client()
    for _ in range(5):
        browser.post(reverse("admin:login"), {"username": "root", "password": "wrong"})
    locked = browser.post(reverse("admin:login"), {"username": "root", "password": "x-test-password-1"})
    assert locked.status_code == 429
    assert browser.post(LOGIN, {"username": "root", "password": "x-test-password-1"}).status_code == 429


@pytest.mark.django_db
def test_an_administrator_unlocks_a_user_in_the_back_office(client, role_users):
    from axes.models import AccessAttempt

    _lock(Client(), "dkumkmp")
    assert Client().post(LOGIN, {"username": "dkumkmp", "password": "x-test-password-1"}).status_code == 429
    client.force_login(role_users["admin"])
    attempts = reverse("admin:axes_accessattempt_changelist")
    assert "dkumkmp" in client.get(attempts).content.decode()
    attempt = AccessAttempt.objects.get(username="dkumkmp")
    response = client.post(attempts, {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert Client().post(LOGIN, {"username": "dkumkmp", "password": "x-test-password-1"}).status_code == 302


PROXY = {"REMOTE_ADDR": "127.0.0.1"}  # every request reaches gunicorn from the TLS proxy


def _sign_in(username, **extra):
    return Client().post(LOGIN, {"username": username, "password": "x-test-password-1"}, **extra).status_code


@pytest.mark.django_db
def test_behind_the_proxy_the_lockout_counts_each_clients_own_address(make_user, settings):
    """Two colleagues behind the same TLS proxy: five failures from one do not lock the other out."""
    settings.TRUSTED_PROXY_COUNT = 1
    make_user("siti", "dkumkmp")
    _lock(Client(), "siti", HTTP_X_FORWARDED_FOR="10.1.1.1", **PROXY)
    assert _sign_in("siti", HTTP_X_FORWARDED_FOR="10.1.1.1", **PROXY) == 429
    assert _sign_in("siti", HTTP_X_FORWARDED_FOR="10.2.2.2", **PROXY) == 302
    # What the client itself wrote stands left of the proxy's entry and changes nothing.
    assert _sign_in("siti", HTTP_X_FORWARDED_FOR="10.2.2.2, 10.1.1.1", **PROXY) == 429


@pytest.mark.django_db
def test_without_a_configured_proxy_a_forwarded_header_is_ignored(make_user, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    make_user("siti", "dkumkmp")
    _lock(Client(), "siti", HTTP_X_FORWARDED_FOR="10.1.1.1", REMOTE_ADDR="10.0.0.5")
    assert _sign_in("siti", HTTP_X_FORWARDED_FOR="10.2.2.2", REMOTE_ADDR="10.0.0.5") == 429
    assert _sign_in("siti", REMOTE_ADDR="10.0.0.9") == 302


@pytest.mark.parametrize(
    "count,forwarded,expected",
    [
        (0, "10.1.1.1", "127.0.0.1"),
        (1, "10.1.1.1", "10.1.1.1"),
        (1, "6.6.6.6, 10.1.1.1", "10.1.1.1"),
        (2, "10.1.1.1, 172.16.0.2", "10.1.1.1"),
        (1, "", "127.0.0.1"),
        (2, "10.1.1.1", "127.0.0.1"),
        (1, "not-an-address", "127.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_behind_the_configured_proxies(rf, settings, count, forwarded, expected):
    from smarteconomy.client_address import client_ip

    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="127.0.0.1")) == expected


def _change_password(client, old):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": "Balikpapan-2026-baru", "new_password2": "Balikpapan-2026-baru"},
    )


@pytest.mark.django_db
def test_five_wrong_current_passwords_refuse_the_password_change_for_15_minutes(client, make_user, caplog):
    from axes.models import AccessAttempt

    user = make_user("siti", "dkumkmp")
    client.force_login(user)
    for attempt in range(5):
        response = _change_password(client, f"a-guess-{attempt}")
        assert response.status_code in (200, 429)
    with caplog.at_level("WARNING"):
        response = _change_password(client, "x-test-password-1")  # the right one, too late
    assert response.status_code == 429
    assert "tidak dapat diubah selama 15 menit" in response.content.decode()
    assert any("password change refused" in record.getMessage() for record in caplog.records)
    user.refresh_from_db()
    assert user.check_password("x-test-password-1")
    # After the cool-off the right password changes it.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _change_password(client, "x-test-password-1").status_code == 302
    user.refresh_from_db()
    assert user.check_password("Balikpapan-2026-baru")


@pytest.mark.django_db
def test_a_password_change_that_succeeds_clears_the_count(client, make_user):
    from axes.models import AccessAttempt

    user = make_user("siti", "dkumkmp")
    client.force_login(user)
    for attempt in range(4):
        assert _change_password(client, f"a-guess-{attempt}").status_code == 200
    assert AccessAttempt.objects.get(username="siti").failures_since_start == 4
    assert _change_password(client, "x-test-password-1").status_code == 302
    assert not AccessAttempt.objects.filter(username="siti").exists()
