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

import contextlib
import io
import logging
import os
import re
import time
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from .crawl import Visit, _local, _PageParser, _read, _same_site, api_tampering, crawl, tamper
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
    {role: [url]}, as ``menu_for`` gives it), so that a test can check that the crawl reached every menu entry.
    ``personal`` ({owner office: {value}}: every NIK and phone number of the demo) and ``log_lines`` (the JSON log
    lines the crawl produced) are for the personal-data sweep (test_personal_sweep.py)."""

    def __init__(self):
        super().__init__()
        self.seconds = {}
        self.menus = {}
        self.personal = {}
        self.log_lines = []
        self.personal_pages = {}  # {role: [Visit]}: see personal_data_pages
        # {role: [Visit]}: every list the role's crawl found, and the API's lists, requested with tampered
        # parameters (crawl.tamper, crawl.api_tampering), once per role, in the first language; and how long it took.
        self.tampered = {}
        self.tamper_seconds = {}


def personal_values():
    """{owner office (None: no office): {value}} of every NIK and phone number field in the database, change
    history included: the values the personal-data sweep looks for."""
    from django.apps import apps

    from .roles import owner_office_of

    values = {}
    for model in apps.get_models():
        names = [
            field.name
            for field in model._meta.concrete_fields
            if field.get_internal_type() == "CharField" and {"nik", "phone"} & set(field.name.split("_"))
        ]
        if names:
            office = owner_office_of(getattr(model, "instance_type", model))  # a history model: its model's office
            for row in model._base_manager.values_list(*names):
                values.setdefault(office, set()).update(value for value in row if value)
    return values


@contextlib.contextmanager
def captured_logs(lines):
    """Every log record of the block, at the production level (INFO), written by the production filter and JSON
    formatter (smarteconomy.logs) into ``lines``."""
    from .logs import JsonFormatter, PersonalDataFilter

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Collect()
    handler.addFilter(PersonalDataFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    # The loggers that do not pass their records to the root's handlers get the handler too.
    loggers = [root] + [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    level = root.level
    root.setLevel(min(level, logging.INFO) if level else logging.INFO)
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield lines
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
        root.setLevel(level)


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
            if role in PERSONAL_DATA_ROLES and language == LANGUAGES[0]:
                result.personal_pages[role] = personal_data_pages(client, result[role, language])
            if language == languages[0]:
                started = time.monotonic()
                result.tampered[role] = tamper(client, result[role, language]) + api_tampering(
                    client, api_lists(client)
                )
                result.tamper_seconds[role] = time.monotonic() - started
    cache.clear()
    return result


# The roles that read other offices' records (OfficeScopedQuerySet.visible_to), and so the demo's NIKs and phone
# numbers, masked: the other offices and the operators see only their own records, none of them personal data.
PERSONAL_DATA_ROLES = ("admin", "bappeda")
SORT_KEY = re.compile(r"(^|-)sort$")
ADMIN_CHANGELIST = re.compile(r"^/admin/[\w-]+/[\w-]+/$")
ADMIN_OBJECT = re.compile(r"^/admin/[\w-]+/[\w-]+/\d+/change/$")


def personal_data_pages(client, visits):
    """The pages where personal data may hide that the crawl, one URL of each shape, samples once: every sort of
    every list page the crawl visited (sorted by a phone column, a page's cells and its next-page cursor carry
    phone numbers), each with its next page; and in the back office one record's change page and history of every
    model list. For the personal-data sweep (test_personal_sweep.py)."""
    seen = {visit.url for visit in visits}
    wanted = []
    for visit in visits:
        if visit.status != 200 or not visit.is_html:
            continue
        parser = _PageParser()
        parser.feed(visit.text())
        path = urlsplit(visit.url).path
        admin_objects = 0
        for href in parser.links:
            url = urljoin(visit.url, href)
            if not _same_site(url):
                continue
            url = _local(url)
            parts = urlsplit(url)
            keys = {key for key, _value in parse_qsl(parts.query)}
            if parts.path == path and any(SORT_KEY.search(key) for key in keys) and not keys & {"after", "before"}:
                wanted.append(url)
            elif ADMIN_CHANGELIST.match(path) and ADMIN_OBJECT.match(parts.path) and not admin_objects:
                admin_objects += 1
                wanted += [url, url.replace("/change/", "/history/")]
    found = []
    for url in wanted:
        if url in seen:
            continue
        seen.add(url)
        visit = _get(client, url)
        found.append(visit)
        if visit.status == 200 and visit.is_html:  # the next page in that sort: its cursor is made of its values
            parser = _PageParser()
            parser.feed(visit.text())
            pages = [_local(urljoin(url, href)) for href in parser.links if "after=" in href]
            if pages and pages[0] not in seen:
                seen.add(pages[0])
                found.append(_get(client, pages[0], referrer=url))
    return found


def _get(client, url, referrer=None):
    response = client.get(url)
    return Visit(
        url=url,
        status=response.status_code,
        content_type=response.get("Content-Type", ""),
        content=_read(response),
        referrer=referrer,
        location=response.get("Location", "") if 300 <= response.status_code < 400 else "",
    )


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
        lines = []
        with captured_logs(lines):
            result = crawl_demo()
        result.log_lines = lines
        result.personal = personal_values()  # before the rollback takes the demo away
        transaction.set_rollback(True)
    return result
