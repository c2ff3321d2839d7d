"""Each demo user's home page in a browser: the worklist is there, in Indonesian, and every item with a count opens a
list with exactly that many rows. Screenshots in ARTIFACTS/worklist-<user>.png."""

import re

import pytest

from smarteconomy.testing_browser import ARTIFACTS, submit_login

pytestmark = pytest.mark.browser

DEMO_USERNAMES = ["admin", "bappeda", "dpmptsp", "dkumkmp", "operator_airport", "operator_mall"]


def _rows_of(page):
    """The rows the opened list shows: the reporting page's periods, the scorecard's indicators, a list's table."""
    if page.get_by_test_id("attention").count():
        return page.get_by_test_id("attention-row").count()
    if "/analytics/scorecard/" in page.url:
        return page.locator("[data-testid^='pillar-'] tbody tr").count()
    if "/admin/" in page.url:
        return page.locator("#result_list tbody tr").count()
    return page.locator("table tbody tr").filter(has_not=page.locator("td[colspan]")).count()


def test_each_roles_worklist_counts_open_lists_of_that_length(browser, live_server, demo):
    failures = {}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for username in DEMO_USERNAMES:
        context = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            submit_login(page, username, demo)
            worklist = page.get_by_test_id("worklist")
            assert worklist.is_visible(), "no worklist"
            assert page.get_by_role("heading", name="Yang perlu dikerjakan hari ini").is_visible()
            page.screenshot(path=str(ARTIFACTS / f"worklist-{username}.png"), full_page=True)
            items = []
            for item in worklist.locator("li[data-testid^='worklist-']").all():
                count = item.get_by_test_id("worklist-count")
                link = item.get_by_test_id("worklist-link")
                if count.count() and link.count():
                    items.append(
                        (item.get_attribute("data-testid"), int(count.inner_text()), link.get_attribute("href"))
                    )
            assert items or username.startswith("operator"), "no item with a count"
            for testid, count, href in items:
                separator = "&" if "?" in href else "?"
                page.goto(href if "/admin/" in href else f"{href}{separator}per_page=250")
                shown = _rows_of(page)
                assert shown == count, f"{testid}: {count} on the home page, {shown} rows at {href}"
                page.go_back()
            if username == "bappeda":
                assert re.search(r"/analytics/scorecard/$", page.get_by_test_id("scorecard-link").get_attribute("href"))
        except Exception as error:  # noqa: BLE001 - note it, check the other users
            failures[username] = f"{type(error).__name__}: {error}"
        finally:
            context.close()
    assert not failures, failures
