"""Security checks over the whole URL list: CSRF on every form and every POST, no CSRF-exempt view that can
write, the Content Security Policy as served, and the session's idle timeout as it behaves.
(Login lockout: test_accounts.py; every URL × role: test_permission_matrix.py.)"""

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from smarteconomy.middleware import IdleTimeoutMiddleware
from smarteconomy.testing import OK, REDIRECT, ROLES, collect_matrix

CASES = collect_matrix()
FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S | re.I)
POST_FORM = re.compile(r"""<form\b[^>]*\bmethod=["']?post""", re.I)
TOKEN = re.compile(r"""<input[^>]+name=["']csrfmiddlewaretoken["'][^>]+value=["'][^"']{32,}""", re.I)
SAFE_METHODS = {"get", "head", "options"}


def case_url(case, users):
    kwargs = case.kwargs(users) if callable(case.kwargs) else (case.kwargs or {})
    return reverse(case.url_name, kwargs=kwargs)


@pytest.mark.django_db
def test_every_post_form_on_every_page_carries_a_csrf_token(client, role_users):
    """Every page of the matrix that a role may open, as that role: each POST form has Django's CSRF token."""
    checked_pages = checked_forms = 0
    for case in CASES:
        if case.method != "get":
            continue
        for role in ROLES:
            if case.expected_for(role) != OK:
                continue
            client.logout()
            if role != "anonymous":
                client.force_login(role_users[role])
            response = client.get(case_url(case, role_users), case.data)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            checked_pages += 1
            for form in FORM.findall(response.content.decode()):
                if POST_FORM.match(form):
                    checked_forms += 1
                    assert TOKEN.search(form), f"{case.id} as {role}: a POST form without a CSRF token:\n{form[:300]}"
    assert checked_pages > 30 and checked_forms > 30, (checked_pages, checked_forms)


@pytest.mark.django_db
def test_every_post_of_the_matrix_is_refused_without_the_csrf_token(role_users):
    """As a role that may post, but from another site (no token): 403, and nothing happens."""
    posts = [case for case in CASES if case.method == "post"]
    assert posts
    for case in posts:
        # A signed-in role the case lets through to the view (the CSRF check comes before the view's own checks;
        # an API endpoint refusing a form body with 415 has let the role through).
        allowed = [
            role for role in ROLES if role != "anonymous" and case.expected_for(role) in (OK, REDIRECT, 201, 415)
        ]
        role = allowed[0] if allowed else "anonymous"
        browser = Client(enforce_csrf_checks=True)
        if role != "anonymous":
            browser.force_login(role_users[role])
        response = case.request(browser, case_url(case, role_users))
        assert response.status_code == 403, f"{case.id} as {role}: {response.status_code} without a CSRF token"


@pytest.mark.django_db
def test_the_login_form_itself_needs_the_csrf_token(make_user):
    make_user("clerk")
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("login"), {"username": "clerk", "password": "x-test-password-1"})
    assert response.status_code == 403
    assert "_auth_user_id" not in browser.session


def _views(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_no_view_that_accepts_writes_is_exempt_from_csrf():
    """The only CSRF-exempt views are Django REST framework's. Those that accept writes authenticate by token
    (no cookie, nothing for another site to borrow) or by session, whose DRF authentication checks CSRF itself;
    the matrix test above shows a signed-in session without the token refused with 403."""
    from rest_framework.authentication import SessionAuthentication, TokenAuthentication
    from rest_framework.views import APIView

    exempt = {route: view for route, view in _views() if getattr(view, "csrf_exempt", False)}
    writers = []
    for route, view in exempt.items():
        cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
        assert cls is not None and (issubclass(cls, APIView) or cls.__module__.startswith("drf_spectacular")), route
        if getattr(view, "actions", None):  # a viewset: the methods it routes
            methods = set(view.actions)
        else:  # a view: the methods it implements
            methods = {m for m in cls.http_method_names if hasattr(cls, m)}
        if methods - SAFE_METHODS:
            writers.append(route)
            for authentication in cls.authentication_classes:
                assert issubclass(authentication, (TokenAuthentication, SessionAuthentication)), (route, authentication)
    assert all(route.startswith("api/cashless/") for route in writers), writers  # only the operators' push


@pytest.mark.django_db
def test_pages_are_served_with_a_csp_without_eval_or_inline_script(client, role_users):
    client.force_login(role_users["bappeda"])
    for name in ("analytics:scorecard", "reference:kelurahan_list", "login"):
        response = client.get(reverse(name), follow=True)
        policy = response["Content-Security-Policy"]
        directives = dict(
            (part.split()[0], part.split()[1:]) for part in (p.strip() for p in policy.split(";")) if part
        )
        assert "'unsafe-eval'" not in policy, name
        assert "'unsafe-inline'" not in directives["script-src"], name
        assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_a_session_ends_after_30_idle_minutes_and_activity_keeps_it_alive(client, role_users):
    client.force_login(role_users["dkumkmp"])
    assert client.get(reverse("home")).status_code == 200
    session = Session.objects.get()
    remaining = session.expire_date - timezone.now()
    # A request pushes the end 30 minutes ahead (the session is saved at most once a minute: IdleTimeoutMiddleware).
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)

    # 31 minutes without a request: the session is over, the next page asks for the login again.
    _end_session_as_time_would(session.pk)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _end_session_as_time_would(session_key):
    """The session's end passed: its row expired, and, with sessions cached in Redis (cached_db, with REDIS_URL), its
    cached copy gone, as Redis drops it at the same moment (it is stored with the session's remaining time)."""
    from importlib import import_module

    from django.conf import settings
    from django.core.cache import caches

    Session.objects.filter(pk=session_key).update(expire_date=timezone.now() - timedelta(minutes=1))
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if hasattr(store, "cache_key_prefix"):
        assert caches[settings.SESSION_CACHE_ALIAS].delete(store.cache_key_prefix + session_key)


@pytest.mark.django_db
def test_a_request_before_the_30_minutes_are_up_keeps_the_session_alive(client, role_users):
    """29 idle minutes, then a request: the page opens and the session has another 30 minutes."""
    client.force_login(role_users["bappeda"])
    session = client.session
    session[IdleTimeoutMiddleware.KEY] -= 29 * 60  # the last request that moved the end, 29 minutes ago
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get(reverse("analytics:scorecard")).status_code == 200
    remaining = Session.objects.get().expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_the_session_settings_are_those_of_the_idle_timeout(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_REFRESH_SECONDS == 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert "smarteconomy.middleware.IdleTimeoutMiddleware" in settings.MIDDLEWARE


@pytest.mark.django_db
def test_the_session_is_saved_at_most_once_a_minute_and_then_moves_its_end(client, role_users):
    """No database write on every request: within a minute of the last refresh a page leaves the session row alone;
    a request a minute or more after it saves the session with another 30 minutes."""
    client.force_login(role_users["dkumkmp"])  # the login saved the session with its full 30 minutes
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=20))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]
    assert Session.objects.get().expire_date - timezone.now() <= timedelta(minutes=20)
    # The last refresh a minute ago: the next request saves and moves the end.
    session = client.session
    session[IdleTimeoutMiddleware.KEY] -= 61
    session.save()
    assert client.get(reverse("home")).status_code == 200
    assert Session.objects.get().expire_date - timezone.now() > timedelta(minutes=29)


@pytest.mark.django_db
def test_a_nul_character_in_a_pages_address_is_a_clear_bad_request_on_every_page(client, role_users):
    """PostgreSQL refuses NUL in text parameters; a crafted ``%00`` in a search box or a path must be a 400 with
    a page that says why, never a server error, on every page of the matrix (the API checks its own)."""
    checked = 0
    for case in CASES:
        role = next((r for r in ROLES if r != "anonymous" and case.expected_for(r) == OK), None)
        if case.method != "get" or role is None:
            continue
        url = case_url(case, role_users)
        if url.startswith("/api/"):
            continue
        client.force_login(role_users[role])
        for address in (f"{url}?q=%00", f"{url}?q=a%00b&page=1", f"{url.rstrip('/')}%00/"):
            response = client.get(address)
            assert response.status_code == 400, (case.id, address, response.status_code)
            assert "tidak diizinkan" in response.content.decode(), case.id
        checked += 1
    assert checked > 40


@pytest.mark.django_db
def test_the_api_answers_a_nul_character_itself(client, role_users):
    client.force_login(role_users["bappeda"])
    response = client.get("/api/snapshots/?indicator=%00")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
