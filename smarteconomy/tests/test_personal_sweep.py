"""Guard: the personal-data sweep. The seeded demo crawled as anonymous and as every demo user (the ``demo_crawl``
fixture of smarteconomy/testing_crawl.py): no page, export, history page, admin page, API response or pagination
cursor holds a NIK or phone number of the demo for a role that must see it masked, in any spacing; and no JSON log
line of the run (the application's, and the access line gunicorn would write for each request) holds one for anyone.

The values are every NIK and phone field of the demo's records and their change history, read inside the crawl's
transaction (``demo_crawl.personal``). A NIK is looked for as its 16 digits, a phone number as its digits after the
0 or 62 (so 0812..., +62 812... and 62812... all match); in a body, the separators between digits (spaces, dots,
dashes, "+" and "%20") are dropped first. The owning office reads its own records in full: DKUMKMP's pages are not
searched for DKUMKMP's values (the MSME registry, the industry centre's tenants), DPMPTSP's not for DPMPTSP's."""

import base64
import contextlib
import html
import io
import json
import logging
import re
import zipfile
import zlib
from urllib.parse import unquote, unquote_plus

import pypdf

from ..logs import JsonFormatter, PersonalDataFilter

# The demo users' offices (smarteconomy.choices.Role): the values of that office are theirs to read.
OFFICE_OF = {
    "admin": "admin",
    "bappeda": "bappeda",
    "dpmptsp": "dpmptsp",
    "dkumkmp": "dkumkmp",
    "operator_airport": "parking_operator",
    "operator_mall": "parking_operator",
}
SEPARATORS = re.compile(r"(?<=\d)(?:[ \t\u00a0.\-+]|%20|%2[bB]|&nbsp;|&#160;|\\u00a0)+(?=\d)")
DIGIT_RUN = re.compile(r"\d{9,}")
CURSOR = re.compile(r"(?:[?&;]|&amp;)(?:after|before|cursor)=([^&\"'\s<>]+)")
# gunicorn's default access_log_format: the request line as it came (the query string URL-encoded) and the referer.
ACCESS_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'


def secret_of(value):
    """The digits a value is looked for by: a NIK's 16, a phone number's after its 0 or 62."""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 16:
        return digits
    for prefix in ("62", "0"):
        if digits.startswith(prefix + "8"):
            return digits[len(prefix) :]
    return digits


class Secrets:
    """The values to look for: {digits: (kind, owner office)}; ``found(text)`` gives the digits found in a text."""

    def __init__(self, personal, *, skip_office=None):
        self.by_digits = {}
        for office, values in personal.items():
            if office is not None and office == skip_office:
                continue
            for value in values:
                digits = secret_of(value)
                if len(digits) >= 9:
                    self.by_digits[digits] = ("NIK" if len(digits) == 16 else "phone", office)
        self.lengths = sorted({len(digits) for digits in self.by_digits})

    def found(self, text):
        hits = set()
        for run in DIGIT_RUN.findall(SEPARATORS.sub("", text)):
            for length in self.lengths:
                for start in range(len(run) - length + 1):
                    if run[start : start + length] in self.by_digits:
                        hits.add(run[start : start + length])
        return hits


def _b64(text):
    text = text.strip()
    compressed = text.startswith(".")  # django.core.signing's compressed payload
    text = text.lstrip(".")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        try:
            raw = base64.b64decode(text + "=" * (-len(text) % 4))
        except (ValueError, TypeError):
            return ""
    if compressed or raw[:1] == b"x":
        with contextlib.suppress(zlib.error):
            raw = zlib.decompress(raw)
    return raw.decode("utf-8", "replace")


def decoded_cursors(text):
    """Every ``after``, ``before`` and ``cursor`` value of the links in ``text``, decoded leniently: the value and
    each part of it around a ":" (a signed cursor: payload:signature), as base64 (and zlib, then URL-decoded)."""
    decoded = []
    for raw in CURSOR.findall(text):
        value = unquote(html.unescape(raw))
        for part in {value, *value.split(":")}:
            plain = _b64(part)
            if plain:
                decoded.append(unquote_plus(plain))
    return decoded


def body_text(visit):
    """What a reader of the response sees: the page or the download (an XLSX unzipped, a PDF's text)."""
    content = visit.content
    if content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
        except zipfile.BadZipFile:
            pass
    if content[:5] == b"%PDF-":
        try:
            return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(content)).pages)
        except Exception:  # noqa: BLE001 - an unreadable PDF is test_crawl's finding; its bytes are searched
            return content.decode("latin-1")
    return content.decode("utf-8", "replace")


def access_line(visit, role):
    """The JSON access line gunicorn would write for the visit (deploy/gunicorn.conf.py: production filter and
    formatter)."""
    atoms = {
        "h": "127.0.0.1",
        "l": "-",
        "u": "-",
        "t": "[04/Dec/2026:10:00:00 +0800]",
        "r": f"GET {visit.url} HTTP/1.1",
        "s": visit.status,
        "b": str(len(visit.content)),
        "f": visit.referrer or "-",
        "a": f"crawl ({role})",
    }
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 0, ACCESS_FORMAT, (atoms,), None)
    PersonalDataFilter().filter(record)
    return JsonFormatter().format(record)


class Leaks:
    """Leaks grouped by (where, role, path), each with its count and first example."""

    def __init__(self):
        self.groups = {}

    def add(self, where, role, url, hits, secrets):
        kinds = sorted({secrets.by_digits[digits][0] for digits in hits})
        key = (where, role, url.split("?")[0], "/".join(kinds))
        count, example = self.groups.get(key, (0, url))
        self.groups[key] = (count + len(hits), example)

    def __bool__(self):
        return bool(self.groups)

    def __str__(self):
        return f"{len(self.groups)} places show seeded personal data:\n" + "\n".join(
            f"{where}: {role} {path} ({kinds}, {count} values), e.g. {example}"
            for (where, role, path, kinds), (count, example) in sorted(self.groups.items())
        )


def test_the_sweep_finds_a_value_in_any_spacing_and_in_a_cursor_but_not_masked():
    secrets = Secrets({"dkumkmp": {"6471054507880002", "081254321098"}})
    assert secrets.found("NIK 6471 0545 0788 0002") == {"6471054507880002"}
    assert secrets.found("<td>+62 812-5432-1098</td>") == {"81254321098"}
    assert secrets.found("?q=0812%205432%201098&x") == {"81254321098"}
    assert secrets.found("6471**********02 0812*****098 6281******098") == set()
    cursor = base64.urlsafe_b64encode(json.dumps({"s": "phone", "v": ["081254321098", 3]}).encode()).decode()
    link = f'<a href="/industry-centre/tenants/?sort=phone&amp;after={cursor.rstrip("=")}">'
    assert secrets.found(" ".join(decoded_cursors(link))) == {"81254321098"}
    signed = f"{cursor.rstrip('=')}:1sXyZ:abcdefSignature"
    assert secrets.found(" ".join(decoded_cursors(f"/x/?before={signed}"))) == {"81254321098"}
    assert Secrets({"dkumkmp": {"081254321098"}}, skip_office="dkumkmp").found("081254321098") == set()


def test_the_demo_has_personal_data_and_its_owner_sees_it(demo_crawl):
    """The sweep cannot pass by looking for nothing: the demo has NIKs and phone numbers, DKUMKMP's own pages show
    them, and the run produced log lines."""
    personal = demo_crawl.personal
    assert len(personal.get("dkumkmp", ())) >= 50, {office: len(values) for office, values in personal.items()}
    secrets = Secrets(personal)
    own = set()
    for visit in demo_crawl["dkumkmp", "id"]:
        own |= secrets.found(body_text(visit))
    assert len(own) >= 10
    # Beyond the crawl: every sort of the lists with its next page, and the back office's record pages.
    extra = [visit.url for visit in demo_crawl.personal_pages["bappeda"]]
    assert any("sort=" in url for url in extra) and any("after=" in url for url in extra), extra
    # A phone column that Bappeda sees masked offers no sort (its order would tell what the mask hides), so the
    # sweep has no sort by phone to follow; the owning office's pages do sort by it.
    assert not any("sort=phone" in url or "sort=-phone" in url for url in extra), extra
    admin = [visit.url for visit in demo_crawl.personal_pages["admin"] if visit.status == 200]
    assert any(url.endswith("/history/") for url in admin) and any(url.endswith("/change/") for url in admin)


def _all_visits(demo_crawl):
    for (role, _language), visits in demo_crawl.items():
        yield role, visits
    yield from demo_crawl.personal_pages.items()
    yield from demo_crawl.tampered.items()  # the lists asked with crafted parameters (crawl.tamper)


def test_the_logs_of_the_crawl_are_captured_with_the_production_filter_and_formatter():
    from ..testing_crawl import captured_logs

    lines = []
    with captured_logs(lines):
        logging.getLogger("msme").info("NIK %s, HP %s", "6471 0545 0788 0002", "+62 812-5432-1098")
    assert len(lines) == 1
    assert json.loads(lines[0])["message"] == "NIK 6471**********02, HP 6281******098"


def test_no_page_export_or_cursor_shows_a_seeded_nik_or_phone_to_a_role_that_sees_them_masked(demo_crawl):
    leaks = Leaks()
    scanned = 0
    for role, visits in _all_visits(demo_crawl):
        secrets = Secrets(demo_crawl.personal, skip_office=OFFICE_OF.get(role))
        for visit in visits:
            scanned += 1
            text = body_text(visit)
            if hits := secrets.found(text):
                leaks.add(visit.kind, role, visit.url, hits, secrets)
            if hits := secrets.found(unquote_plus(f"{visit.url} {visit.location}")):
                leaks.add("URL", role, visit.url, hits, secrets)
            cursors = decoded_cursors(f"{visit.url} {visit.location} {text}")
            if hits := secrets.found(" ".join(cursors)):
                leaks.add("cursor", role, visit.url, hits, secrets)
    assert scanned > 1000
    assert not leaks, str(leaks)


def test_no_log_line_of_the_crawl_holds_a_seeded_nik_or_phone(demo_crawl):
    """Logs are read by the administrators: nobody's NIK or phone number belongs in them, in any spacing."""
    secrets = Secrets(demo_crawl.personal)
    leaks = Leaks()
    for line in demo_crawl.log_lines:
        if hits := secrets.found(line):
            leaks.add("application log", "-", json.loads(line).get("logger", ""), hits, secrets)
    for role, visits in _all_visits(demo_crawl):
        for visit in visits:
            line = access_line(visit, role)
            if hits := secrets.found(line):
                leaks.add("access log", role, visit.url, hits, secrets)
    assert not leaks, str(leaks)
