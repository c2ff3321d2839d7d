"""The public portal in Debian's Chromium, as an anonymous visitor: the landing page, the catalogue and a dataset
page at 1366 and 390 px (screenshots; nothing wider than the phone's screen), axe-core (from the
axe-playwright-python package, which bundles axe.min.js: no CDN) finds no serious or critical WCAG 2.1 AA
violation, and the language switch turns the page into English."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from opendata.testing import ensure_dataset
from smarteconomy.testing_browser import ARTIFACTS

pytestmark = pytest.mark.browser

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def serious(results):
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_public_pages_at_desktop_and_phone_width_with_axe(page, demo):
    code = ensure_dataset()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    pages = {
        "landing": reverse("opendata:landing"),
        "catalogue": reverse("opendata:dataset_list"),
        "dataset": reverse("opendata:dataset_detail", args=[code]),
        "scorecard": reverse("opendata:scorecard"),
        "leading-sectors": reverse("opendata:leading_sectors"),
    }
    axe = Axe()
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in pages.items():
            response = page.goto(url)
            assert response.status == 200, url
            assert page.locator("html").get_attribute("lang") == "id"
            assert page.get_by_test_id("public-header").is_visible()
            assert page.get_by_test_id("public-footer").is_visible()
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} at {width} px is {overflow} px wider than the screen"
            page.screenshot(path=str(ARTIFACTS / f"opendata-{name}-{width}.png"), full_page=True)
            problems = serious(axe.run(page, options=WCAG))
            assert not problems, f"{name} at {width} px: {problems}"
    assert not errors, errors

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(pages["catalogue"])
    page.get_by_test_id("lang-en").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.endswith(pages["catalogue"])
    page.get_by_test_id("dataset-card").first.get_by_role("link").first.click()
    page.wait_for_load_state()
    assert page.get_by_test_id("metadata").is_visible()
    with page.expect_download() as download:
        page.get_by_test_id("download-csv").click()
    assert download.value.suggested_filename.endswith(".csv")
