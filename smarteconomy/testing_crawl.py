"""The crawl of the seeded demo as every user sees it, shared by the guards that check every page (a pytest plugin,
listed in the root conftest's ``pytest_plugins``).

``demo_crawl`` is **session scoped**: the demo is seeded once (``seed_demo``, small under the test settings, with its
full recompute), then the site is crawled as anonymous and as every demo user, in Indonesian (the default) and in
English (the language cookie the product's language switch sets). Everything runs inside one transaction that is
rolled back before the fixture returns, so nothing it writes (the demo, the export log of the crawl, sessions)
reaches any other test; what it returns is plain data: ``{(role, language): [Visit, ...]}``.

Measured on SQLite (the test settings' small demo, a 2-core machine shared with other jobs): seed_demo 10-19 s,
the 14 crawls about 2,900 requests in 110-230 s together (bappeda and admin about 400 requests and 12-20 s each per
language), the checks of test_crawl.py 20 s more.
"""

import io
import os
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from .crawl import api_tampering, crawl, tamper
from .menu import menu_for

DEMO_USERS = ("admin", "bappeda", "dpmptsp", "dkumkmp", "operator_airport", "operator_mall")
ROLES = ("anonymous", *DEMO_USERS)
LANGUAGES = ("id", "en")
# One URL of each shape: a list, one of its sorts, its next page, one record's detail page, each export format.
MAX_PER_SHAPE = 1
# A form's period and format options are the same for every role: Bappeda, whose reports and analyses they are,
# submits every one of them (every period of the scorecard report, every year of the leading-sector analysis);
# the other roles the first few, which keeps the whole crawl near a minute and a half.
MAX_OPTIONS = {"bappeda": 60}
MAX_OPTIONS_OTHERS = 3


class CrawlResult(dict):
    """{(role, language): [Visit]}, with how long each crawl took (``seconds``) and each role's menu (``menus``:
    {role: [url]}, as ``menu_for`` gives it), so that a test can check that the crawl reached every menu entry."""

    def __init__(self):
        super().__init__()
        self.seconds = {}
        self.menus = {}
        # {role: [Visit]}: every list the role's crawl found, and the API's lists, requested with tampered
        # parameters (crawl.tamper, crawl.api_tampering), once per role, in the first language; and how long it took.
        self.tampered = {}
        self.tamper_seconds = {}


def demo_password():
    return os.environ.get("DEMO_PASSWORD") or "smart-economy-demo"


def login(client, username, password):
    """Log in through the login page, as a user does (the password is checked, and django-axes sees the request)."""
    response = client.post(resolve_url(settings.LOGIN_URL), {"username": username, "password": password})
    assert response.status_code == 302, f"{username} could not log in with the demo password"


def crawl_demo(roles=ROLES, languages=LANGUAGES, max_per_shape=MAX_PER_SHAPE):
    """Crawl every (role, language); the database must already hold the seeded demo."""
    result = CrawlResult()
    password = demo_password()
    for role in roles:
        for language in languages:
            cache.clear()  # a page cached for one user or language must not answer for another
            client = Client()
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            if role != "anonymous":
                login(client, role, password)
                user = get_user_model().objects.get(username=role)
                result.menus[role] = [url for _section, entries in menu_for(user) for _label, url, _active in entries]
            started = time.monotonic()
            max_options = MAX_OPTIONS.get(role, MAX_OPTIONS_OTHERS)
            result[role, language] = crawl(client, max_per_shape=max_per_shape, max_options=max_options)
            result.seconds[role, language] = time.monotonic() - started
            if language == languages[0]:
                started = time.monotonic()
                result.tampered[role] = tamper(client, result[role, language]) + api_tampering(
                    client, api_lists(client)
                )
                result.tamper_seconds[role] = time.monotonic() - started
    cache.clear()
    return result


def api_lists(client):
    """The paths of the JSON API's lists (a parking location's summaries for the first location the user sees)."""
    paths = [reverse("api:snapshot-list"), reverse("api:indicator-list"), reverse("cashless_api:location_list")]
    locations = client.get(paths[-1])
    if locations.status_code == 200 and locations.json():
        paths.append(reverse("cashless_api:summary_list", args=[locations.json()[0]["code"]]))
    return paths


def pytest_collection_modifyitems(items):
    # pytest-django creates the test database only for the databases that marked tests use.
    for item in items:
        if "demo_crawl" in getattr(item, "fixturenames", ()) and item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db)


@pytest.fixture(scope="session")
def demo_crawl(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        cache.clear()
        call_command("seed_demo", stdout=io.StringIO())
        result = crawl_demo()
        transaction.set_rollback(True)
    return result
