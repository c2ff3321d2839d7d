"""Browser-test fixtures (Playwright driving Debian's Chromium against pytest-django's live server),
shared by every app's test_browser.py through the root conftest."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright import sync_api

CHROMIUM = "/usr/bin/chromium"
REPO_ROOT = Path(__file__).resolve().parents[1]
# Screenshots; two runs side by side (SQLite and PostgreSQL in CI) can each have their own folder.
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS_DIR") or REPO_ROOT / "artifacts")


@pytest.fixture(scope="module")
def _allow_async_unsafe():
    # Playwright's sync API keeps an event loop running in the test thread; the ORM (our own data
    # set-up and the live server's flush at teardown) would otherwise refuse to run.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(_allow_async_unsafe):
    assert os.path.exists(CHROMIUM), f"{CHROMIUM} is not installed (apt-get install chromium)"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo(live_server, _allow_async_unsafe):
    call_command("seed_demo", stdout=io.StringIO())
    return os.environ.get("DEMO_PASSWORD") or "smart-economy-demo"


@pytest.fixture
def page(browser, live_server):
    # A browser set to English (Accept-Language: en-US), as on most office PCs: the product still starts
    # in Bahasa Indonesia, and only the language switch changes that.
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def submit_login(page, username, password):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    # Wait for the answer to the POST itself: wait_for_load_state() right after the click returned at once (the
    # login page was loaded), and a goto() that followed could cancel the login in flight (CI, on a loaded machine).
    with page.expect_navigation():
        page.locator("form:has(#id_password) button[type=submit]").click()
