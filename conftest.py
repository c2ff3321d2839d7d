"""Fixtures shared by every app's tests."""

import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import translation

from smarteconomy.choices import Role
from smarteconomy.roles import sync_roles

# Browser fixtures (Playwright + Debian Chromium) for every app's test_browser.py; the crawl of the demo as
# every user (`demo_crawl`) for the guards that check every page.
pytest_plugins = ["smarteconomy.testing_browser", "smarteconomy.testing_crawl"]


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language. A request with the English cookie activates English for the
    thread and nothing resets it (the crawl ends in English): the next test would read English pages."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def roles(db):
    sync_roles()


@pytest.fixture
def make_user(roles):
    def make(username, role=None, **extra):
        user = get_user_model().objects.create_user(username=username, password="x-test-password-1", **extra)
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def role_users(make_user):
    """One user per role (two parking operators), like seed_demo's."""
    return {
        "admin": make_user("admin", Role.ADMIN, is_staff=True),
        "bappeda": make_user("bappeda", Role.BAPPEDA),
        "dpmptsp": make_user("dpmptsp", Role.DPMPTSP),
        "dkumkmp": make_user("dkumkmp", Role.DKUMKMP),
        "operator_airport": make_user("operator_airport", Role.PARKING_OPERATOR),
        "operator_mall": make_user("operator_mall", Role.PARKING_OPERATOR),
    }


@pytest.fixture
def reference_data(db):
    from django.core.management import call_command

    call_command("load_reference", stdout=io.StringIO())


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (cached pages must never leak between tests)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
