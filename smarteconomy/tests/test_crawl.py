"""Guard 1: the seeded demo crawled as anonymous and as every demo user, in Indonesian and in English (the
``demo_crawl`` fixture of smarteconomy/testing_crawl.py). No page is a server error, and every CSV, XLSX and PDF
download the crawl reaches is one a spreadsheet or a reader takes as it is: a header first, plain text, local times,
Ya/Tidak, real dates and numbers."""

import csv
import datetime
import io
import re

import openpyxl
import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from ..testing_crawl import DEMO_USERS, LANGUAGES, ROLES

HTML = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
# A time written with its offset from UTC (2026-12-03 20:31:00+00:00, ...T20:31Z, "UTC"): an export's times are WITA
# wall-clock times, like the pages'.
UTC_TEXT = re.compile(r"\d{1,2}[:.]\d{2}(?::\d{2})?(?:\.\d+)?\s*(?:[+-]\d{2}:?\d{2}|Z)\b|\bUTC\b|\bGMT\b")
BOOLEAN_TEXT = {
    "id": {"True", "False", "true", "false", "ya", "tidak", "Yes", "No"},
    "en": {"True", "False", "true", "false", "yes", "no", "Ya", "Tidak"},
}
# Text that a spreadsheet should have received as a date or a number cell.
DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$|^\d{1,2}/\d{1,2}/\d{4}( \d{1,2}[:.]\d{2})?$")
NUMBER_TEXT = re.compile(r"^(Rp\s?)?-?\d{1,3}(\.\d{3})+(,\d+)?%?$|^(Rp\s?)?-?\d+,\d+%?$|^Rp\s?-?\d+$")


# Import templates are forms to fill in, not exports: their instructions show values as they are typed (a date as
# 2022-03-15, "ya"), on purpose. They are still downloaded and opened by the crawl.
TEMPLATE = re.compile(r"^/imports/upload/[\w-]+/template\.xlsx$")


def _visits(demo_crawl, kind=None):
    for (role, language), visits in demo_crawl.items():
        for visit in visits:
            if kind is None or visit.kind == kind:
                yield role, language, visit


def _exports(demo_crawl, kind):
    """The successful downloads of one kind, import templates left out."""
    for role, language, visit in _visits(demo_crawl, kind):
        if visit.status == 200 and not TEMPLATE.match(visit.url.split("?")[0]):
            yield role, language, visit


class Findings:
    """Problems grouped by (page, kind of problem), each group with its count and first example, so that a defect
    in one column of a 20,000-row export is one line of the failure message, not 20,000."""

    def __init__(self):
        self.groups = {}

    def add(self, visit, kind, example):
        key = (visit.url.split("?")[0], kind)
        count, first = self.groups.get(key, (0, example))
        self.groups[key] = (count + 1, first)

    def __bool__(self):
        return bool(self.groups)

    def __str__(self):
        return f"{len(self.groups)} kinds of problem:\n" + "\n".join(
            f"{path}: {kind} ({count}x), e.g. {first}" for (path, kind), (count, first) in self.groups.items()
        )


def _where(role, language, visit):
    return f"{role} ({language}) {visit.url} (linked from {visit.referrer})"


def _csv_rows(visit):
    return list(csv.reader(io.StringIO(visit.content.decode("utf-8-sig"))))


def _xlsx_rows(visit):
    """{sheet name: [[cell]]} of a downloaded workbook."""
    workbook = openpyxl.load_workbook(io.BytesIO(visit.content), read_only=True)
    try:
        return {sheet.title: [list(row) for row in sheet.iter_rows()] for sheet in workbook.worksheets}
    finally:
        workbook.close()


def _cell_problems(value, language):
    """[(kind, value)] of what is wrong with one exported cell's text (CSV or XLSX)."""
    if not isinstance(value, str):
        return []
    problems = []
    if HTML.search(value):
        problems.append("HTML markup")
    if UTC_TEXT.search(value):
        problems.append("a time in UTC, not WITA")
    if value.strip() in BOOLEAN_TEXT[language]:
        problems.append(f"a yes/no not written as {'Ya/Tidak' if language == 'id' else 'Yes/No'}")
    return problems


def test_no_page_is_a_server_error(demo_crawl):
    errors = [
        f"{visit.status} {_where(role, language, visit)}: {(visit.error.strip().splitlines() or [''])[-1]}"
        for role, language, visit in _visits(demo_crawl)
        if visit.status >= 500
    ]
    assert not errors, f"{len(errors)} server errors:\n" + "\n".join(errors)


def test_no_link_a_user_is_shown_leads_to_a_page_forbidden_to_them(demo_crawl):
    """A link or a form on a page a user sees never leads to a 403 (another office's records, the task log)."""
    forbidden = [
        f"{_where(role, language, visit)}" for role, language, visit in _visits(demo_crawl) if visit.status == 403
    ]
    assert not forbidden, f"{len(forbidden)} links to a 403:\n" + "\n".join(forbidden)


def test_the_crawl_reaches_a_fair_number_of_pages_and_downloads_in_every_role(demo_crawl):
    """The guard cannot pass by crawling nothing."""
    assert set(demo_crawl) == {(role, language) for role in ROLES for language in LANGUAGES}
    anonymous = [visit for language in LANGUAGES for visit in demo_crawl["anonymous", language]]
    assert any(visit.url.startswith(reverse("login")) and visit.status == 200 for visit in anonymous)
    minimum = {  # (HTML pages, CSV, XLSX) per language: about 60 % of what the demo gives (Dec 2026: 244/73/76 for
        # admin, 206/73/73 Bappeda, 94/35/37 DPMPTSP, 167/56/58 DKUMKMP, 85/30/31 each parking operator)
        "admin": (150, 40, 40),
        "bappeda": (120, 40, 40),
        "dpmptsp": (55, 20, 20),
        "dkumkmp": (100, 33, 33),
        "operator_airport": (50, 18, 18),
        "operator_mall": (50, 18, 18),
    }
    short = []
    for role in DEMO_USERS:
        for language in LANGUAGES:
            visits = demo_crawl[role, language]
            ok = [visit for visit in visits if visit.status == 200]
            counts = tuple(sum(visit.kind == kind for visit in ok) for kind in ("html", "csv", "xlsx"))
            if any(count < least for count, least in zip(counts, minimum[role], strict=True)):
                short.append(f"{role} ({language}): {counts} (html, csv, xlsx) < {minimum[role]}")
    assert not short, "\n".join(short)


def test_every_menu_entry_was_crawled(demo_crawl):
    missing = []
    for role in DEMO_USERS:
        assert demo_crawl.menus[role], f"{role} has no menu"
        for language in LANGUAGES:
            visited = {visit.url.split("?")[0] for visit in demo_crawl[role, language] if visit.status == 200}
            missing += [f"{role} ({language}): {url}" for url in demo_crawl.menus[role] if url not in visited]
    assert not missing, "\n".join(missing)


@pytest.mark.django_db
def test_the_crawl_leaves_no_data_behind(demo_crawl):
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username__in=DEMO_USERS).exists()


def test_every_csv_export_starts_with_its_header_and_has_plain_local_cells(demo_crawl):
    findings = Findings()
    seen = 0
    for role, language, visit in _exports(demo_crawl, "csv"):
        seen += 1
        rows = _csv_rows(visit)
        where = _where(role, language, visit)
        if not rows:
            findings.add(visit, "empty, not even a header", where)
            continue
        header = rows[0]
        if len(rows) > 1 and any(len(row) != len(header) for row in rows[1:] if row):
            findings.add(visit, "the first line is not the header of the rows below it", f"{where}: {header!r}")
        elif not all(cell.strip() for cell in header):
            findings.add(visit, "a header without a column name", f"{where}: {header!r}")
        for row in rows[1:]:
            for cell in row:
                for kind in _cell_problems(cell, language):
                    findings.add(visit, f"CSV cell: {kind}", f"{where}: {cell!r}")
    assert seen, "the crawl reached no CSV export"
    assert not findings, str(findings)


def test_every_xlsx_export_has_plain_local_cells_and_real_dates_and_numbers(demo_crawl):
    findings = Findings()
    seen = 0
    for role, language, visit in _exports(demo_crawl, "xlsx"):
        seen += 1
        where = _where(role, language, visit)
        for name, rows in _xlsx_rows(visit).items():
            for row in rows[1:]:
                for cell in row:
                    value = cell.value
                    if value is None:
                        continue  # an empty cell (read-only workbooks give it no coordinate)
                    example = f"{where} [{name}] {cell.coordinate}: {value!r}"
                    for kind in _cell_problems(value, language):
                        findings.add(visit, f"XLSX cell: {kind}", example)
                    if isinstance(value, str) and DATE_TEXT.match(value.strip()):
                        findings.add(visit, "XLSX cell: a date or time as text, not a date cell", example)
                    if isinstance(value, str) and NUMBER_TEXT.match(value.strip()):
                        findings.add(visit, "XLSX cell: a number as text, not a number cell", example)
                    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
                        findings.add(visit, "XLSX cell: a time with a time zone", example)
    assert seen, "the crawl reached no XLSX export"
    assert not findings, str(findings)


def test_every_pdf_parses(demo_crawl):
    problems = []
    seen = 0
    for role, language, visit in _exports(demo_crawl, "pdf"):
        seen += 1
        try:
            reader = pypdf.PdfReader(io.BytesIO(visit.content), strict=True)
            text = "".join(page.extract_text() or "" for page in reader.pages)
        except Exception as error:  # noqa: BLE001 - any parser error is the finding
            problems.append(f"{_where(role, language, visit)}: {error!r}")
            continue
        if not reader.pages or not text.strip():
            problems.append(f"{_where(role, language, visit)}: no page or no text")
    assert seen, "the crawl reached no PDF"
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_crawl_never_logs_out_posts_or_leaves_the_site(role_users):
    """The crawler itself (on an almost empty database): the logout link and POST forms are not followed."""
    from smarteconomy.crawl import crawl

    client = Client()
    client.force_login(role_users["bappeda"])
    visits = crawl(client)
    assert visits[0].url == "/"
    assert not [visit.url for visit in visits if visit.url.startswith(reverse("logout"))]
    assert "_auth_user_id" in client.session
    assert all(visit.url.startswith("/") for visit in visits)
    assert len({visit.url for visit in visits}) == len(visits)


def test_a_report_form_is_submitted_in_every_format_and_for_every_period():
    from smarteconomy.crawl import _PageParser, form_submissions

    parser = _PageParser()
    parser.feed(
        '<form method="get" action="/report/"><select name="period"><option value="2026">2026</option>'
        '<option value="2025">2025</option><option value="2026-11">Nov 2026</option></select>'
        '<button type="submit" name="format" value="pdf">PDF</button>'
        '<button type="submit" name="format" value="xlsx">XLSX</button></form>'
        '<form><input name="q"><select name="status"><option value="">-</option><option value="x">x</option></select>'
        '<input type="radio" name="price_basis" value="ADHK" checked><input type="radio" name="price_basis" value="ADHB">'
        '<input type="checkbox" name="open" value="1"></form>'
        '<form method="post" action="/recompute/"><button type="submit">Go</button></form>'
    )
    report, filters, post = (form_submissions(form, "/page/?sort=name") for form in parser.forms)
    assert report == [
        "/report/?period=2026&format=pdf",
        "/report/?period=2026&format=xlsx",
        "/report/?period=2025&format=pdf",
        "/report/?period=2026-11&format=pdf",
    ]
    # Defaults first (a select's first option, the checked radio, no unchecked box), then each period-like option.
    assert filters == ["/page/?q=&status=&price_basis=ADHK", "/page/?q=&status=&price_basis=ADHB"]
    assert post == []


def test_url_shapes_ignore_ids_and_sort_orders_but_keep_export_formats():
    from smarteconomy.crawl import url_shape

    assert url_shape("/msme/registry/12/") == url_shape("/msme/registry/3456/")
    assert url_shape("/x/?lq-sort=a") == url_shape("/x/?ss-sort=b&lq-sort=a") == url_shape("/x/?per_page=50")
    assert url_shape("/x/?after=abc") == url_shape("/x/?before=def&sort=name")
    assert url_shape("/x/?export=csv") != url_shape("/x/?export=xlsx")
    assert url_shape("/x/?export=csv&sort=name") == url_shape("/x/?export=csv")
    assert url_shape("/x/?status=a") == url_shape("/x/?status=b") != url_shape("/x/")


# --- Parameter tampering (issue 20): every list, and the API's lists, with what a user can type into the URL ---------


def test_no_tampered_list_or_api_request_is_a_server_error(demo_crawl):
    """Every list the crawl found (once per role), requested with per_page -5, 0 and 10**6, garbage cursors, a
    cursor whose values are garbage, a real cursor of another sort and an unknown sort; the API's lists with those
    page sizes and cursors. No 5xx; a list shows a page (the first, with a message, for a real cursor of another
    sort) or a 400 that says which parameter is wrong (a crafted per_page or cursor); a cursor the paged API list
    did not give is a 400 (the other API lists are not paged: they ignore it)."""
    print("tampering took", {role: round(seconds, 1) for role, seconds in demo_crawl.tamper_seconds.items()})
    assert set(demo_crawl.tampered) == set(ROLES)
    errors, broken, accepted = [], [], []
    for role, visits in demo_crawl.tampered.items():
        for visit in visits:
            where = f"{visit.status} {role} {visit.url} (the list {visit.referrer})"
            if visit.status >= 500:
                errors.append(f"{where}: {(visit.error.strip().splitlines() or [''])[-1]}")
            elif not visit.url.startswith("/api/") and not shows_a_page_or_says_why(visit):
                broken.append(where)
            elif visit.url.startswith("/api/snapshots/?cursor=") and visit.status not in (400, 401, 403):
                accepted.append(where)
    assert not errors, f"{len(errors)} server errors:\n" + "\n".join(errors)
    assert not broken, "tampered lists that show no page and say no reason:\n" + "\n".join(broken)
    # A crafted per_page is refused with its reason; a real cursor of another sort still shows the first page.
    by_kind = {(v.status, "per_page=-5" in v.url) for visits in demo_crawl.tampered.values() for v in visits}
    assert (400, True) in by_kind and (200, False) in by_kind, by_kind
    assert not accepted, "API cursors the list did not give, accepted:\n" + "\n".join(accepted)
    # The guard cannot pass by tampering with nothing: lists of every office, each with every kind of tampering.
    lists = {
        role: {v.referrer for v in visits if not v.url.startswith("/api/")}
        for role, visits in demo_crawl.tampered.items()
    }
    least = {"admin": 15, "bappeda": 15, "dpmptsp": 4, "dkumkmp": 10, "operator_airport": 1, "operator_mall": 1}
    short = [f"{role}: {len(lists[role])} lists < {count}" for role, count in least.items() if len(lists[role]) < count]
    assert not short, "\n".join(short)
    urls = [visit.url for visits in demo_crawl.tampered.values() for visit in visits]
    for part in ("per_page=-5", "per_page=0", "per_page=1000000", "after=not-a-cursor", "sort=no_such_column"):
        assert any(part in url for url in urls), part
    assert any("/api/snapshots/?cursor=" in url for url in urls) and any("page_size=-5" in url for url in urls)
    cursors = [url for url in urls if "after=" in url and "not-a-cursor" not in url and "bz0xJnA9JTI3" not in url]
    assert len(cursors) >= 10, "few garbled or other-sort cursors were tried"


@pytest.mark.django_db
def test_tampering_requests_a_list_with_every_bad_parameter(role_users, reference_data):
    """The tampering itself, on the kelurahan list (two pages, sortable): the URLs it makes, and that it reports a
    server error as one (``?per_page=-5`` was one before issue 20)."""
    from smarteconomy.crawl import _visit, list_tampering, tamper
    from smarteconomy.models import Kelurahan

    client = Client()
    client.force_login(role_users["dkumkmp"])
    page = _visit(client, reverse("reference:kelurahan_list"), None)
    urls = list_tampering(page)
    query = "\n".join(urls)
    for part in ("per_page=-5", "per_page=0", "per_page=1000000", "sort=no_such_column", "after=not-a-cursor"):
        assert part in query
    made = [url for url in urls if "after=" in url and "not-a-cursor" not in url and "bz0xJnA9JTI3" not in url]
    assert len(made) == 2  # the page's cursor garbled, and used with another sort
    assert any("sort=" in url for url in made)
    detail = _visit(client, Kelurahan.objects.first().get_absolute_url(), None)
    assert detail.status == 200 and list_tampering(detail) == []  # a record's page is no list
    tampered = tamper(client, [page])
    assert [visit.url for visit in tampered] == urls
    assert all(shows_a_page_or_says_why(visit) for visit in tampered), [(v.url, v.status) for v in tampered]
    status = {visit.url: visit.status for visit in tampered}
    assert {status[url] for url in urls if "per_page=" in url or "not-a-cursor" in url} == {400}
    assert [status[url] for url in made] == [400, 200]  # the garbled cursor; the real one of another sort


def shows_a_page_or_says_why(visit):
    """A tampered list answers with a page, or with a 400 whose page names the wrong parameter (templates/400.html)."""
    return visit.status == 200 or (visit.status == 400 and b'data-testid="bad-parameter"' in visit.content)
