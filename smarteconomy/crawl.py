"""A crawler of the product as one user sees it, for the guards that check every page (tests only).

``crawl(client)`` starts from the home page and, breadth first, follows every same-site link (``a[href]``) and
submits every GET form with its default values, plus every option that a report or an export offers for its
period and format (selects, radios and submit buttons named like period, format, year...). It never POSTs and
never follows the logout link, so the client's session (anonymous or logged in) stays as it is.

The crawl stays finite because URLs are grouped by *shape*: the path with ids, numbers and dates replaced by a
placeholder, plus the sorted names of the query parameters and the values of the format ones (``format``,
``export``), so that each export format is a shape of its own. At most ``max_per_shape`` URLs of each shape are
visited: a list's first sort and page, not all of them; one record's detail page, not every record's. (The keys
that only change how a list is shown, its sorts, rows per page and keyset cursors, count as one key each: see
``url_shape``.) The variants of a GET form's period and format choices (every period in the first format, every
format at the default period: see ``form_submissions``) are bounded separately, by ``max_options`` per shape,
since they all share their form's shape; the links found on them obey the shape bound.
"""

import base64
import binascii
import dataclasses
import json
import re
import time
import traceback
from collections import Counter, deque
from html.parser import HTMLParser
from itertools import product
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Parameters whose values choose a report's or an export's period or format: every option a form offers for them
# is submitted. The values of the format ones are part of a URL's shape.
OPTION_NAME = re.compile(r"(^|_)(period|format|export|year|years|month|start|end|basis)($|_)")
FORMAT_NAME = re.compile(r"^(format|export)$")
# Never visited: logging out would end the session being crawled; static and media files are not pages; the
# language switches (the officers' form under /i18n/, the public portal's links) would change the crawl's language.
SKIPPED_PATHS = re.compile(r"^/(accounts/logout/|static/|media/|i18n/|open-data/language/)")
# The Django admin is crawled down to each model's list (``/admin/<app>/<model>/``, where our ModelAdmins'
# columns and filters run), not into its object, history, delete-confirmation and filter pages: those are
# Django's own generic views, and with dozens of models they would be most of the crawl's requests.
ADMIN_PATH = re.compile(r"^/admin/(?:[\w-]+/(?:[\w-]+/)?)?$")

_NUMBERISH = re.compile(r"^(\d+|\d{4}-\d{2}(-\d{2})?|[0-9a-f]{8}-[0-9a-f-]{27}|[0-9a-f]{32})$", re.IGNORECASE)
_SITE_HOSTS = {"", "testserver"}


@dataclasses.dataclass
class Visit:
    """One response of the crawl."""

    url: str
    status: int
    content_type: str
    content: bytes
    referrer: str | None
    location: str = ""  # where a redirect points
    error: str = ""  # the traceback of a view's exception (a 500)
    seconds: float = 0.0  # how long the response took

    @property
    def is_html(self):
        return self.content_type.startswith("text/html")

    @property
    def kind(self):
        """csv, xlsx, pdf, html, json or the content type's subtype."""
        ctype = self.content_type.split(";")[0].strip().lower()
        return {
            "text/csv": "csv",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
            "application/pdf": "pdf",
            "text/html": "html",
            "application/json": "json",
        }.get(ctype, ctype.rsplit("/", 1)[-1])

    def text(self):
        return self.content.decode("utf-8", errors="replace")


class CrawlTooLarge(RuntimeError):
    """The crawl passed ``max_requests``: a new kind of link multiplies pages, and its shape needs a bound."""


def url_shape(url):
    """(normalised path, sorted query keys with the values of the format ones).

    The keys that only change how a list is shown count once each, whatever their names: one ``sort`` (``sort``,
    ``per_page``, and the ``lq-sort``, ``ss-sort``... of a page with several tables), one ``cursor`` (a keyset
    page, ``after`` or ``before``); an export or a next page in another sort order is the same shape as the
    export or next page in the default order."""
    parts = urlsplit(url)
    path = "/".join("<n>" if _NUMBERISH.match(segment) else segment for segment in parts.path.split("/"))
    keys = set()
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if FORMAT_NAME.match(key):
            keys.add((key, value))
        elif key.endswith("sort") or key == "per_page":
            keys.add(("sort", ""))
        elif key in ("after", "before"):
            keys.add(("cursor", ""))
        else:
            keys.add((key, ""))
    if ("sort", "") in keys and any(key in ("cursor", "export", "format") for key, _value in keys):
        keys.discard(("sort", ""))
    return path, tuple(sorted(keys))


def _same_site(url):
    parts = urlsplit(url)
    return parts.scheme in ("", "http", "https") and parts.netloc in _SITE_HOSTS


def _local(url):
    """The URL without scheme, host and fragment, as the test client takes it."""
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path or "/", parts.query, ""))


def allowed(url):
    path = urlsplit(url).path
    if SKIPPED_PATHS.match(path):
        return False
    if path.startswith("/admin/"):
        return ADMIN_PATH.match(path) is not None and not urlsplit(url).query
    return True


class _Form:
    def __init__(self, attrs):
        self.method = (attrs.get("method") or "get").lower()
        self.action = attrs.get("action")
        self.fields = []  # [(name, value)] submitted by default
        self.choices = {}  # name -> [values] of selects and radio groups
        self.buttons = []  # [(name, value)] of named submit buttons


class _PageParser(HTMLParser):
    """The links and the GET forms of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self.forms = []
        self._form = None
        self._select = None  # (name, multiple, options [(value, selected)])
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: (value if value is not None else "") for key, value in attrs}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = _Form(attrs)
            self.forms.append(self._form)
        elif self._form is None or "disabled" in attrs:
            return
        elif tag == "input":
            self._input(attrs)
        elif tag == "button":
            if attrs.get("type", "submit").lower() == "submit" and attrs.get("name"):
                self._form.buttons.append((attrs["name"], attrs.get("value", "")))
        elif tag == "select" and attrs.get("name"):
            self._select = (attrs["name"], "multiple" in attrs, [])
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "selected" in attrs, ""]
            self._select[2].append(self._option)
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], ""]

    def _input(self, attrs):
        kind = attrs.get("type", "text").lower()
        name = attrs.get("name")
        if not name or kind in ("file", "reset", "button", "image"):
            return
        if kind == "submit":
            self._form.buttons.append((name, attrs.get("value", "")))
        elif kind in ("checkbox", "radio"):
            value = attrs.get("value", "on")
            if kind == "radio":
                self._form.choices.setdefault(name, []).append(value)
            if "checked" in attrs:
                self._form.fields.append((name, value))
        else:
            self._form.fields.append((name, attrs.get("value", "")))

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            name, multiple, options = self._select
            values = [(text.strip() if value is None else value, selected) for value, selected, text in options]
            chosen = [value for value, selected in values if selected]
            if not chosen and values and not multiple:
                chosen = [values[0][0]]  # a browser submits a single select's first option
            self._form.fields.extend((name, value) for value in chosen)
            if not multiple:
                self._form.choices[name] = [value for value, _selected in values]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form.fields.append(tuple(self._textarea))
            self._textarea = None
        elif tag == "form":
            self._form = None


def form_submissions(form, page_url, *, max_variants=60):
    """The URLs a GET form submits: first with its defaults (and its first submit button), then in every format it
    offers (format selects and named submit buttons: PDF, XLSX...) at the default period, then with every option of
    each period-like choice in turn (year, period, start, end, price basis..., the other fields at their defaults)
    in the first format; at most ``max_variants``. Every period in every format would multiply the requests (a
    report is rendered for each) for little: a period's defect shows in its first format."""
    if form.method != "get":
        return []
    action = urlsplit(urljoin(page_url, form.action) if form.action else page_url).path or "/"
    defaults = list(form.fields)
    options = {name: values for name, values in form.choices.items() if OPTION_NAME.search(name) and values}
    formats = [[(name, value) for value in values] for name, values in options.items() if FORMAT_NAME.match(name)]
    formats.append(form.buttons or [None])
    in_formats = [dict(combination[:-1]) | {"": combination[-1]} for combination in product(*formats)]
    periods = [{name: value} for name, values in options.items() if not FORMAT_NAME.match(name) for value in values]
    urls = []
    for chosen in [*in_formats, *({**in_formats[0], **period} for period in periods)]:
        button = chosen.pop("")
        # A chosen option replaces its field's default (once, even for a radio group's several inputs).
        data, replaced = [], set()
        for name, value in defaults:
            if name in chosen:
                if name in replaced:
                    continue
                replaced.add(name)
                value = chosen[name]
            data.append((name, value))
        data.extend((name, value) for name, value in chosen.items() if name not in replaced)
        if button is not None:
            data.append(button)
        url = urlunsplit(("", "", action, urlencode(data), ""))
        if url not in urls:
            urls.append(url)
        if len(urls) >= max_variants:
            break
    return urls


def _read(response):
    # The test client has already closed the response (a streaming one closes when its content is exhausted), with
    # Django's close_old_connections unhooked from request_finished. Closing it again here would fire
    # request_finished with it hooked, and close_old_connections drops a connection left in a transaction: on
    # PostgreSQL the crawl's transaction (SQLite's in-memory test database is never closed, which hid it).
    return b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content


def _visit(client, url, referrer):
    started = time.monotonic()
    response = client.get(url)
    content = _read(response)
    error = ""
    if response.exc_info:
        error = "".join(traceback.format_exception(*response.exc_info))
    return Visit(
        url=url,
        status=response.status_code,
        content_type=response.get("Content-Type", ""),
        content=content,
        referrer=referrer,
        location=response.get("Location", "") if 300 <= response.status_code < 400 else "",
        error=error,
        seconds=time.monotonic() - started,
    )


def crawl(client, *, start="/", max_per_shape=1, max_options=40, max_requests=3000):
    """Visit the site as ``client``'s user sees it; returns every response as a ``Visit``, in crawl order.

    Exceptions in views are recorded as 500 visits (with the traceback in ``Visit.error``), never raised."""
    client.raise_request_exception = False
    queue = deque([(_local(start), None)])
    seen = {_local(start)}
    per_shape = Counter()
    options_per_shape = Counter()
    visits = []
    while queue:
        url, referrer = queue.popleft()
        if len(visits) >= max_requests:
            raise CrawlTooLarge(f"more than {max_requests} requests; the last one was {url} (from {referrer})")
        visit = _visit(client, url, referrer)
        visits.append(visit)
        found = []  # [(url, is a form's option variant)]
        if visit.location:
            found.append((urljoin(url, visit.location), False))
        elif visit.status == 200 and visit.is_html:
            parser = _PageParser()
            parser.feed(visit.text())
            found.extend((urljoin(url, href), False) for href in parser.links)
            for form in parser.forms:
                submissions = form_submissions(form, url)
                # The first submission is the form with its defaults, bounded like a link.
                found.extend((submission, index > 0) for index, submission in enumerate(submissions))
        for link, variant in found:
            if not _same_site(link):
                continue
            link = _local(link)
            if link in seen or not allowed(link):
                continue
            shape = url_shape(link)
            counter, bound = (options_per_shape, max_options) if variant else (per_shape, max_per_shape)
            if counter[shape] >= bound:
                continue
            seen.add(link)
            counter[shape] += 1
            queue.append((link, url))
    return visits


# --- Parameter tampering --------------------------------------------------------------------------------------------
# What a user can type into a list's URL instead of what its links carry: rows per page that are not offered, cursors
# that the list did not give (garbage; a well-encoded one whose values are garbage for the sorted field; a real one
# of another sort) and a sort by no column. None may be a server error.
TAMPERED_PER_PAGE = ("-5", "0", str(10**6))
TAMPERED_CURSORS = ("not-a-cursor", "bz0xJnA9JTI3")  # the second is base64 of "o=1&p='" (an API cursor)
UNKNOWN_SORT = "no_such_column"


def _garbled(cursor):
    """``cursor`` with every value inside it replaced by garbage, still well encoded (base64 of JSON, the parts
    before and after a signature's ':' alike), or None when it holds no base64 JSON."""
    parts = cursor.split(":")
    for index, part in enumerate(parts):
        try:
            data = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        except (ValueError, binascii.Error):
            continue

        def garble(value):
            if isinstance(value, dict):
                return {key: garble(item) for key, item in value.items()}
            if isinstance(value, list):
                return [garble(item) for item in value]
            return "garbage"

        text = json.dumps({key: (item if key == "s" else garble(item)) for key, item in data.items()})
        parts[index] = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
        return ":".join(parts)
    return None


def list_tampering(visit):
    """The tampered URLs of one list page (a 200 HTML page whose links sort it or page it by a cursor); [] for
    any other page. Each is the page's own URL with one parameter changed."""
    if visit.status != 200 or not visit.is_html:
        return []
    parts = urlsplit(visit.url)
    parser = _PageParser()
    parser.feed(visit.text())
    sorts, cursors = {}, []  # {sort key: [values]} of the page's own links; [(sort key, value, cursor key, cursor)]
    for href in parser.links:
        link = urlsplit(urljoin(visit.url, href))
        if not _same_site(href) or link.path != parts.path:
            continue
        query = parse_qsl(link.query, keep_blank_values=True)
        for key, value in query:
            if key.endswith("sort"):
                sorts.setdefault(key, []).append(value)
        cursor = next(((key, value) for key, value in query if key in ("after", "before") and value), None)
        if cursor:
            sort = next(((key, value) for key, value in query if key == "sort"), ("sort", ""))
            cursors.append((*sort, *cursor))
    if not sorts and not cursors:
        return []
    base = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)]

    def url(**changes):
        query = [(key, value) for key, value in base if key not in changes]
        query += [(key, value) for key, value in changes.items() if value is not None]
        return urlunsplit(("", "", parts.path, urlencode(query), ""))

    urls = [url(per_page=value) for value in TAMPERED_PER_PAGE]
    urls += [url(**{key: UNKNOWN_SORT}) for key in sorts]
    if cursors:
        urls += [url(after=value) for value in TAMPERED_CURSORS]
        _sort_key, sort, cursor_key, cursor = cursors[0]
        garbled = _garbled(cursor)
        if garbled:
            urls.append(url(**{"sort": sort or None, cursor_key: garbled}))
        others = [value for value in sorts.get("sort", []) if value != sort]
        if others:  # a real cursor of one sort, used with another
            urls.append(url(**{"sort": others[0], cursor_key: cursor}))
    return list(dict.fromkeys(urls))


def tamper(client, visits):
    """Request every list among ``visits`` (once per URL path) with tampered parameters (``list_tampering``);
    returns the responses as ``Visit``s, each with the list page as its referrer."""
    client.raise_request_exception = False
    done, tampered = set(), []
    for visit in visits:
        path = urlsplit(visit.url).path
        if path in done:
            continue
        urls = list_tampering(visit)
        if urls:
            done.add(path)
            tampered += [_visit(client, url, visit.url) for url in urls]
    return tampered


def api_tampering(client, paths):
    """The JSON API's lists at ``paths`` requested with tampered page sizes and cursors, and with a real cursor of
    the list (when it pages) garbled; returns the responses as ``Visit``s."""
    client.raise_request_exception = False
    tampered = []
    for path in paths:
        first = _visit(client, path, None)
        urls = [f"{path}?{urlencode({'page_size': value})}" for value in TAMPERED_PER_PAGE]
        urls += [f"{path}?{urlencode({'cursor': value})}" for value in TAMPERED_CURSORS]
        try:
            following = json.loads(first.content).get("next") if first.status == 200 else None
        except (ValueError, AttributeError):
            following = None
        if following:
            cursor = dict(parse_qsl(urlsplit(following).query)).get("cursor", "")
            urls.append(f"{path}?{urlencode({'cursor': cursor[:-2] + 'zz', 'page_size': -5})}")
        tampered += [first, *(_visit(client, url, path) for url in urls)]
    return tampered
