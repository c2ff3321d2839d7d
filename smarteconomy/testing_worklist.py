"""Test helpers for the worklists (smarteconomy.worklist): read each item's count and link off the home page as the
user sees it, and count the rows of the list the link opens, so that a test asserts "the count equals the list's
length" on the pages themselves."""

import html
import re

from django.urls import reverse

ITEM = re.compile(r'<li[^>]*data-testid="worklist-(?P<code>[^"]+)"(?P<body>.*?)</li>', re.DOTALL)
COUNT = re.compile(r'data-testid="worklist-count"[^>]*>(\d+)<')
FACT = re.compile(r'data-testid="worklist-fact"[^>]*>([^<]*)<')
LINK = re.compile(r'href="([^"]+)"[^>]*data-testid="worklist-link"')


def home_worklist(client):
    """{item code: {"count": int or None, "fact": text or None, "url": link or ""}} of the home page."""
    response = client.get(reverse("home"))
    assert response.status_code == 200, response.status_code
    items = {}
    for match in ITEM.finditer(response.content.decode()):
        body = match["body"]
        count, fact, link = COUNT.search(body), FACT.search(body), LINK.search(body)
        items[match["code"]] = {
            "count": int(count[1]) if count else None,
            "fact": html.unescape(fact[1]).strip() if fact else None,
            "url": html.unescape(link[1]) if link else "",
        }
    return items


def listed_rows(client, url):
    """The number of rows the list at ``url`` shows (all on one page: the largest page size), or of the admin's
    change list."""
    if url.startswith(reverse("admin:index")):
        response = client.get(url)  # the admin's change list takes no page size (100 rows a page)
    else:
        separator = "&" if "?" in url else "?"
        response = client.get(f"{url}{separator}per_page=250")
    assert response.status_code == 200, (url, response.status_code)
    if "cl" in response.context:  # the admin's change list
        return response.context["cl"].result_count
    if "attention" in response.context:  # the reporting overview's list of periods (``?show=``)
        return response.content.decode().count('data-testid="attention-row"')
    if url.startswith(reverse("analytics:scorecard")):  # the scorecard's rows of indicators (a cached body)
        return response.content.decode().count('data-testid="indicator-row"')
    page = response.context["page"]
    assert not page.has_next, f"{url} has more than one page"
    return len(page.rows)


def assert_count_is_list_length(client, code, expected):
    """The home page shows ``expected`` for item ``code`` and its link lists exactly that many rows."""
    items = home_worklist(client)
    assert code in items, f"{code} not on the home page: {sorted(items)}"
    item = items[code]
    assert item["count"] == expected, (code, item)
    assert listed_rows(client, item["url"]) == expected, (code, item["url"])
    return item
