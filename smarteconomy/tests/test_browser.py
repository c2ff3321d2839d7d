"""End-to-end checks in Debian's Chromium (Playwright) against pytest-django's live server.

Run only these with ``pytest -m browser``. They need /usr/bin/chromium (.ci/run installs it); `make test`
deselects them, and says so, on a machine without it. Here a missing Chromium is a failure, never a skip.
"""

import csv
import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from smarteconomy.menu import menu_for
from smarteconomy.testing_browser import ARTIFACTS, submit_login

pytestmark = pytest.mark.browser

DEMO_USERNAMES = ["admin", "bappeda", "dpmptsp", "dkumkmp", "operator_airport", "operator_mall"]


def html_lang(page):
    return page.locator("html").get_attribute("lang")


def nav_links(page):
    links = page.get_by_test_id("main-nav").locator("a.nav-link")
    return [(a.text_content().strip(), a.get_attribute("href")) for a in links.all()]


# --- 1. Each role's home page and navigation -----------------------------------------------------------


def test_home_page_per_role(browser, live_server, demo):
    """Every demo user's home page and menu, each in a browser of its own. One test for the six users: the demo is
    seeded once (a test of its own per user re-seeded it six times, half a minute each on PostgreSQL); a failure
    still names the user, and every user is checked before the test fails."""
    failures = {}
    for username in DEMO_USERNAMES:
        context = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        try:
            _check_home_page(context.new_page(), demo, username)
        except Exception as error:  # noqa: BLE001 - an assertion or a Playwright timeout: note it, check the others
            failures[username] = f"{type(error).__name__}: {error}"
        finally:
            context.close()
    assert not failures, failures


def _check_home_page(page, demo, username):
    submit_login(page, username, demo)
    assert "/accounts/login" not in page.url, f"login failed for {username}"
    assert page.url.endswith("/"), page.url
    assert html_lang(page) == "id"
    assert page.get_by_test_id("lang-id").get_attribute("class").split().count("active") == 1
    role = page.get_by_test_id("role")
    assert role.is_visible()
    assert role.text_content().strip()
    assert page.get_by_test_id("current-user").count() == 1

    user = get_user_model().objects.get(username=username)
    with translation.override("id"):
        declared = menu_for(user, "/")
        expected_sections = [str(section) for section, _entries in declared]
        expected = [(str(label), url) for _section, entries in declared for label, url, _active in entries]
    nav = page.get_by_test_id("main-nav")
    assert nav.is_visible()
    links = nav_links(page)
    # The first link is always Home; the rest follow the menu declarations, in order.
    assert links[0][1] == "/"
    assert links[1:] == expected
    sections = [s.text_content().strip() for s in nav.get_by_test_id("nav-section").all()]
    assert sections == expected_sections

    hrefs = {href for _label, href in links}
    if username == "admin":
        assert "/admin/" in hrefs and "/tasks/" in hrefs and "/exports/" in hrefs
    elif username == "bappeda":
        assert "/tasks/" in hrefs and "/exports/" in hrefs
        assert "/admin/" not in hrefs
    else:
        assert not hrefs & {"/tasks/", "/exports/", "/admin/"}, hrefs

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"home-{username}.png"), full_page=True)


# --- 2. Language switch ---------------------------------------------------------------------------------


def _is_active(page, code):
    return "active" in (page.get_by_test_id(f"lang-{code}").get_attribute("class") or "").split()


def test_language_switch(page, demo):
    submit_login(page, "bappeda", demo)
    assert "/accounts/login" not in page.url
    assert html_lang(page) == "id"
    assert _is_active(page, "id") and not _is_active(page, "en")
    logout_id = page.get_by_test_id("logout").text_content().strip()

    with page.expect_navigation():
        page.get_by_test_id("lang-en").click()
    assert html_lang(page) == "en"
    assert _is_active(page, "en") and not _is_active(page, "id")
    assert page.url.endswith("/") and "/accounts/login" not in page.url  # stayed on the same page, logged in
    logout_en = page.get_by_test_id("logout").text_content().strip()
    assert logout_en == "Log out"

    # The choice sticks for the next page.
    page.goto("/reference/kelurahan/")
    assert html_lang(page) == "en"

    with page.expect_navigation():
        page.get_by_test_id("lang-id").click()
    assert html_lang(page) == "id"
    assert _is_active(page, "id") and not _is_active(page, "en")
    assert "/reference/kelurahan/" in page.url

    assert page.get_by_test_id("logout").text_content().strip() == logout_id == "Keluar"


# --- 3. Lockout after failed logins (django-axes) ------------------------------------------------------


def test_lockout_after_five_failed_logins(page, demo):
    for attempt in range(5):
        submit_login(page, "operator_mall", f"wrong-password-{attempt}")
        assert "/accounts/login" in page.url
        if attempt < 4:
            assert page.locator("#id_password").count() == 1
            assert page.locator("main .alert-danger").is_visible()
    submit_login(page, "operator_mall", demo)
    locked = page.get_by_test_id("locked-out")
    assert locked.is_visible()
    assert page.get_by_test_id("main-nav").count() == 0  # not logged in
    assert page.get_by_test_id("logout").count() == 0


# --- 4. A list page: search, sort, CSV export ----------------------------------------------------------


def _names(page):
    cells = page.get_by_test_id("list-table").locator("tbody tr td:nth-child(2)")
    return [c.text_content().strip() for c in cells.all()]


def test_kelurahan_list_search_sort_export(page, demo):
    submit_login(page, "dkumkmp", demo)
    assert "/accounts/login" not in page.url
    page.goto("/reference/kelurahan/")
    assert len(_names(page)) > 2

    form = page.locator("form.filter-form")
    form.locator("input[name=q]").fill("Manggar")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "q=Manggar" in page.url
    assert sorted(_names(page)) == ["Manggar", "Manggar Baru"]

    header = page.get_by_test_id("list-table").locator("thead th").nth(1).locator("a")
    with page.expect_navigation():
        header.click()
    assert "sort=name" in page.url and "q=Manggar" in page.url
    assert _names(page) == ["Manggar", "Manggar Baru"]
    header = page.get_by_test_id("list-table").locator("thead th").nth(1).locator("a")
    with page.expect_navigation():
        header.click()
    assert "sort=-name" in page.url
    assert _names(page) == ["Manggar Baru", "Manggar"]

    with page.expect_download() as info:
        page.get_by_test_id("export-csv").click()
    download = info.value
    assert download.suggested_filename.startswith("kelurahan-") and download.suggested_filename.endswith(".csv")
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), raw[:20]
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))

    assert rows[0] == ["Kode Kemendagri", "Nama", "Kecamatan", "Kode pos"]
    assert [r[1] for r in rows[1:]] == ["Manggar Baru", "Manggar"]  # the filter and sort carry into the export


# --- 5. No console errors, no CSP violations -----------------------------------------------------------


def test_home_page_has_no_console_errors_or_csp_violations(page, demo):
    problems = []
    page.on(
        "console",
        lambda msg: (
            problems.append(f"{msg.type}: {msg.text}")
            if msg.type == "error" or "Refused to" in msg.text or "Content Security Policy" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
    page.on(
        "response",
        lambda response: problems.append(f"HTTP {response.status}: {response.url}") if response.status >= 400 else None,
    )
    submit_login(page, "admin", demo)
    assert "/accounts/login" not in page.url
    page.goto("/")
    page.wait_for_load_state("networkidle")
    # The stylesheets actually applied (a blocked or missing stylesheet leaves Bootstrap's classes unstyled).
    assert problems == []
    style = "getComputedStyle(document.querySelector('{}')).{}"
    assert page.evaluate(style.format("header.navbar", "display")) == "flex"  # Bootstrap
    assert page.evaluate(style.format(".topbar", "backgroundColor")) == "rgb(11, 79, 138)"  # app.css
