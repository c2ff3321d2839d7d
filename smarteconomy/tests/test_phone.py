"""Guard: every page of every role's menu, and the first record of each of its lists, works on a phone (390 x 844 in
Chromium).

The pages visited are derived from the menu declarations themselves (smarteconomy.menu.menu_for), so a new menu
entry is covered without touching this test. On each page: the page is no wider than the screen (a wide table
scrolls inside its card), the header fits, the menu is collapsed behind a visible button that opens it, and the
page's title is on the first screen. The demo is seeded once; each role has one browser context.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from smarteconomy.menu import menu_for
from smarteconomy.testing_browser import ARTIFACTS, submit_login

pytestmark = pytest.mark.browser

DEMO_USERNAMES = ["admin", "bappeda", "dpmptsp", "dkumkmp", "operator_airport", "operator_mall"]
PHONE = {"width": 390, "height": 844}
# Django's own back office has its own (responsive) layout, without our header and menu: only its width is checked.
OWN_LAYOUT = ("/admin/",)

# Everything measured in one round trip: the page's width, the header's box and every visible control in it.
# The screen's width is passed in: on a phone, a page wider than the screen makes the browser zoom out, and then
# window.innerWidth grows with the page.
MEASURE = r"""(vw) => {
  const header = document.querySelector('header');
  const h1 = document.querySelector('main h1, h1');
  const outside = [];
  if (header) {
    for (const el of header.querySelectorAll('a, button, input, select, .badge')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;  // hidden (display: none)
      if (getComputedStyle(el).visibility === 'hidden') continue;
      if (r.left < 0 || r.right > vw + 0.5) outside.push((el.textContent || el.tagName).trim() + ' ' + r.left + '-' + r.right);
    }
  }
  // What sticks out (outside any element that scrolls or clips), outermost first: the failure names the culprit.
  const culprits = [];
  const clipped = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX; if (o !== 'visible') return p !== document.documentElement && p !== document.body; }
    return false; };
  for (const el of document.body.querySelectorAll('*')) {
    if (culprits.length >= 3) break;
    const r = el.getBoundingClientRect();
    if (r.right > vw + 0.5 && r.width > 0 && !clipped(el) && !culprits.some((c) => c.el.contains(el)))
      culprits.push({el: el, text: el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' +
        el.className.trim().split(/\s+/).join('.') : '') + ' ' + Math.round(r.left) + '-' + Math.round(r.right)});
  }
  const hr = header ? header.getBoundingClientRect() : null;
  return {
    vw: vw,
    innerWidth: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    bodyScrollWidth: document.body.scrollWidth,
    header: hr ? {left: hr.left, right: hr.right, height: hr.height, scrollWidth: header.scrollWidth,
                  clientWidth: header.clientWidth} : null,
    headerOutside: outside,
    culprits: culprits.map((c) => c.text),
    h1: h1 ? {top: h1.getBoundingClientRect().top + window.scrollY, text: h1.textContent.trim()} : null,
  };
}"""


def menu_urls(username):
    """Home and every page in the user's menu, as the menu declares them."""
    user = get_user_model().objects.get(username=username)
    with translation.override("id"):
        urls = ["/"] + [url for _section, entries in menu_for(user, "/") for _label, url, _active in entries]
    return list(dict.fromkeys(urls))


def _check_page(page, url, menu=True):
    """The problems of one page at phone size, as sentences ([] when it is fine). menu=False: a page seen before
    logging in, without a menu."""
    problems = []
    response = page.goto(url)
    if response is None or response.status >= 400:
        return [f"HTTP {response.status if response else '?'}"]
    vw = PHONE["width"]
    m = page.evaluate(MEASURE, vw)
    if max(m["scrollWidth"], m["innerWidth"]) > vw:
        width = max(m["scrollWidth"], m["innerWidth"])
        problems.append(f"page is {width} px wide on a {vw} px screen (sticking out: {m['culprits']})")
    if url.startswith(OWN_LAYOUT):
        return problems

    header = m["header"]
    if header is None:
        return problems + ["no header"]
    if header["left"] < 0 or header["right"] > vw or header["scrollWidth"] > header["clientWidth"]:
        problems.append(f"header does not fit: {header}")
    if m["headerOutside"]:
        problems.append(f"header controls outside the screen: {m['headerOutside']}")
    if header["height"] > 120:
        problems.append(f"header is {header['height']} px tall")

    h1 = m["h1"]
    if h1 is None:
        problems.append("no h1")
    elif h1["top"] >= PHONE["height"]:
        problems.append(f"title {h1['text']!r} starts at {h1['top']:.0f} px, below the first screen")

    if not menu:
        return problems

    # A list page: its filters are folded behind a button that unfolds them, so that the rows come first (what a
    # page shows above its list, e.g. the outlet's balances, may still fill the first screen).
    if page.get_by_test_id("list-table").count():
        toggle, filters = page.get_by_test_id("filter-toggle"), page.locator("#list-filters")
        if toggle.count() != 1 or not toggle.is_visible() or filters.is_visible():
            problems.append("the filters are not folded behind a visible button")
        else:
            toggle.click()
            try:
                filters.wait_for(state="visible", timeout=3_000)
            except Exception:  # noqa: BLE001 - a Playwright timeout
                problems.append("the filter button does not show the filters")

    nav_links = page.get_by_test_id("main-nav").locator("a.nav-link")
    toggler = page.get_by_test_id("nav-toggler")
    if nav_links.count() == 0:
        problems.append("no menu links")
    elif any(link.is_visible() for link in nav_links.all()):
        problems.append("menu links are shown before the page instead of behind a button")
    if toggler.count() != 1 or not toggler.is_visible():
        problems.append("no visible menu button")
        return problems
    box = toggler.bounding_box()
    if box["x"] < 0 or box["x"] + box["width"] > vw:
        problems.append(f"menu button outside the screen: {box}")
    # Visible on its background: its text/icon colour differs from the header's background.
    colours = page.evaluate(
        """() => { const t = document.querySelector('[data-testid=nav-toggler]');
                   const icon = t.querySelector('.navbar-toggler-icon') || t;
                   return [getComputedStyle(t.closest('header')).backgroundColor,
                           getComputedStyle(t).borderColor, getComputedStyle(icon).backgroundImage]; }"""
    )
    if colours[2] in ("none", "") and colours[0] == colours[1]:
        problems.append(f"menu button invisible on its background: {colours}")
    toggler.click()
    try:
        nav_links.first.wait_for(state="visible", timeout=3_000)
    except Exception:  # noqa: BLE001 - a Playwright timeout: the button does not open the menu
        problems.append("the menu button does not show the menu")
    else:
        active = page.locator("[data-testid=main-nav] a.nav-link.active")
        if url != "/" and active.count() == 0:
            problems.append("the open menu does not mark the current page")
    return problems


# Screenshots at both sizes, to be looked at: each role's home page and its office's main list pages (url names).
SCREENSHOT_PAGES = {
    "admin": ["imports:batch_list", "tasks:run_list"],
    "bappeda": ["analytics:completeness", "analytics:grdp_list"],
    "dpmptsp": ["licensing:application_list", "licensing:disruption_list"],
    "dkumkmp": ["industry_center:bill_list", "industry_center:settlement_list", "msme:msme_list"],
    "operator_airport": ["cashless:summary", "cashless:transaction_list"],
    "operator_mall": ["cashless:summary"],
}
DESKTOP = {"width": 1366, "height": 768}


def _screenshots(page, username, size):
    for url in ["/"] + [reverse(name) for name in SCREENSHOT_PAGES[username]]:
        page.goto(url)
        slug = url.strip("/").replace("/", "-") or "home"
        page.screenshot(path=str(ARTIFACTS / f"{size}-{username}-{slug}.png"), full_page=True)


def _watch_console(page, problems):
    """Script errors, CSP refusals and failed requests (Bootstrap's script must load and run under the CSP). Django's
    admin asks for /favicon.ico, which does not exist: not a problem of ours."""
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on(
        "console",
        lambda msg: (
            problems.append(f"{msg.type}: {msg.text}")
            if (msg.type == "error" and not msg.text.startswith("Failed to load resource"))
            or "Content Security Policy" in msg.text
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            problems.append(f"HTTP {response.status}: {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )


def test_every_menu_page_fits_a_phone(browser, live_server, demo):
    failures = {}
    console = []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for username in DEMO_USERNAMES:
        context = browser.new_context(
            base_url=live_server.url,
            locale="id-ID",
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
            device_scale_factor=1,
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        _watch_console(page, console)
        try:
            if username == DEMO_USERNAMES[0]:
                problems = _check_page(page, "/accounts/login/", menu=False)
                if problems:
                    failures["anonymous /accounts/login/"] = problems
            submit_login(page, username, demo)
            assert "/accounts/login" not in page.url, f"login failed for {username}"
            urls = menu_urls(username)
            assert len(urls) > 2, urls
            details = []
            for url in urls:
                problems = _check_page(page, url)
                if problems:
                    failures[f"{username} {url}"] = problems
                # A list's first record: detail pages are reached from the menu's lists, one of each kind is checked.
                first = page.locator("[data-testid=list-table] tbody tr a[href^='/']").first
                if first.count():
                    details.append(first.get_attribute("href"))
            assert details, f"no list with rows in the menu of {username}"
            for url in dict.fromkeys(details):
                problems = _check_page(page, url)
                if problems:
                    failures[f"{username} {url}"] = problems
            page.goto("/")
            if page.get_by_test_id("nav-toggler").is_visible():  # (its absence is already a failure above)
                page.get_by_test_id("nav-toggler").click()
                page.locator("#main-nav.show:not(.showing)").wait_for()  # the panel has slid in
                page.wait_for_timeout(400)  # and the backdrop has faded in
                page.screenshot(path=str(ARTIFACTS / f"phone-{username}-menu-open.png"))
            _screenshots(page, username, "phone")
        finally:
            context.close()
        # The same pages on an office PC.
        context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport=DESKTOP)
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            submit_login(page, username, demo)
            _screenshots(page, username, "desktop")
        finally:
            context.close()
    assert not failures, "\n".join(f"{where}: {'; '.join(p)}" for where, p in failures.items())
    assert console == []
