"""The shared list page: sorting, filtering, search, keyset pages, and streaming exports."""

import base64
import binascii
import contextlib
import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from smarteconomy.exporting import neutralize
from smarteconomy.lists import keyset_page
from smarteconomy.models import ExportLog, Kecamatan, Kelurahan

LIST = reverse("reference:kelurahan_list")


@pytest.fixture
def officer(client, role_users, reference_data):
    client.force_login(role_users["dkumkmp"])
    return client


def names(response):
    return [row.record.name for row in response.context["table"].rows]


def walk(client, params):
    """Follow Next from the first page to the last; return every page's names."""
    pages = []
    response = client.get(LIST, params)
    while True:
        pages.append(names(response))
        page = response.context["page"]
        if not page.has_next:
            return pages, response
        response = client.get(LIST, {**params, "after": page.next_cursor})


@pytest.mark.parametrize("sort", ["name", "-name", "code", "-code", "kecamatan", "-kecamatan", "postal_code"])
def test_keyset_pages_cover_every_row_once_in_the_sorted_order(officer, sort):
    pages, _last = walk(officer, {"sort": sort, "per_page": 25})
    assert [len(p) for p in pages] == [25, 9]
    flat = [name for page in pages for name in page]
    field = sort.lstrip("-")
    key = {"kecamatan": "kecamatan__code", "postal_code": "postal_code"}.get(field, field)
    expected = list(
        Kelurahan.objects.order_by(
            ("-" if sort.startswith("-") else "") + key, ("-" if sort.startswith("-") else "") + "pk"
        ).values_list("name", flat=True)
    )
    assert flat == expected


def test_previous_goes_back_to_the_same_rows(officer):
    first = officer.get(LIST, {"sort": "name", "per_page": 25})
    second = officer.get(LIST, {"sort": "name", "per_page": 25, "after": first.context["page"].next_cursor})
    assert second.context["page"].has_previous and not second.context["page"].has_next
    back = officer.get(LIST, {"sort": "name", "per_page": 25, "before": second.context["page"].previous_cursor})
    assert names(back) == names(first)
    assert back.context["page"].has_next and not back.context["page"].has_previous


def test_a_cursor_from_another_sort_shows_the_first_page_and_a_forged_one_is_a_400(officer):
    first = officer.get(LIST, {"sort": "name", "per_page": 25})
    other = officer.get(LIST, {"sort": "code", "per_page": 25, "after": first.context["page"].next_cursor})
    assert names(other) == names(officer.get(LIST, {"sort": "code", "per_page": 25}))
    assert officer.get(LIST, {"after": "not-base64!!"}).status_code == 400


def test_pages_use_no_count_and_no_offset_and_a_constant_number_of_queries(officer):
    first = officer.get(LIST, {"sort": "name", "per_page": 25})
    with CaptureQueriesContext(connection) as short:
        officer.get(LIST, {"sort": "name", "per_page": 25})
    with CaptureQueriesContext(connection) as deep:
        second = officer.get(LIST, {"sort": "name", "per_page": 25, "after": first.context["page"].next_cursor})
    with CaptureQueriesContext(connection) as back:
        officer.get(LIST, {"sort": "name", "per_page": 25, "before": second.context["page"].previous_cursor})
    sql = " ".join(q["sql"].upper() for q in deep.captured_queries)
    assert "COUNT(" not in sql
    assert "OFFSET" not in sql
    # A page after a cursor reads the cursor's row (its sort values) first: one query more, at any depth.
    assert len(short.captured_queries) + 1 == len(deep.captured_queries) == len(back.captured_queries)


def test_search_filter_and_per_page(officer):
    response = officer.get(LIST, {"q": "manggar"})
    assert sorted(names(response)) == ["Manggar", "Manggar Baru"]
    timur = Kecamatan.objects.get(name="Balikpapan Timur")
    response = officer.get(LIST, {"kecamatan_id": timur.pk, "per_page": 100})
    assert sorted(names(response)) == ["Lamaru", "Manggar", "Manggar Baru", "Teritip"]
    assert len(names(officer.get(LIST, {"per_page": 50}))) == 34
    # A per_page not offered is a 400 (see below); an invalid filter value shows no rows, not an error page.
    assert officer.get(LIST, {"per_page": 7}).status_code == 400
    response = officer.get(LIST, {"kecamatan_id": "999999"})
    assert response.status_code == 200 and names(response) == []


def test_an_unknown_or_unsortable_column_falls_back_to_the_default_order(officer):
    default = names(officer.get(LIST))
    assert names(officer.get(LIST, {"sort": "password"})) == default
    assert names(officer.get(LIST, {"sort": "-nonexistent"})) == default


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_export_streams_the_filtered_rows_and_is_logged(officer, role_users):
    response = officer.get(LIST, {"q": "manggar", "sort": "name", "export": "csv"})
    assert response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="kelurahan-')
    rows = read_csv(response)
    assert rows[0] == ["Kode Kemendagri", "Nama", "Kecamatan", "Kode pos"]  # headers from the model, in Indonesian
    assert [row[1] for row in rows[1:]] == ["Manggar", "Manggar Baru"]
    log = ExportLog.objects.get()
    assert log.user == role_users["dkumkmp"] and log.format == "csv" and log.rows == 2
    assert "q=manggar" in log.query and log.list_name == "reference:kelurahan_list"


def test_exports_neutralize_spreadsheet_formulas(officer):
    timur = Kecamatan.objects.get(name="Balikpapan Timur")
    for code, name in [
        ("64.71.01.9001", '=HYPERLINK("http://x")'),
        ("64.71.01.9002", "+62 811"),
        ("64.71.01.9003", "-1+1"),
        ("64.71.01.9004", "@SUM(A1)"),
    ]:
        Kelurahan.objects.create(code=code, name=name, kecamatan=timur)
    rows = read_csv(officer.get(LIST, {"q": "64.71.01.900", "sort": "code", "export": "csv"}))
    assert [row[1] for row in rows[1:]] == ['\'=HYPERLINK("http://x")', "'+62 811", "'-1+1", "'@SUM(A1)"]

    response = officer.get(LIST, {"q": "64.71.01.900", "sort": "code", "export": "xlsx"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    values = [sheet.cell(row=r, column=2).value for r in range(2, 6)]
    assert values == ['\'=HYPERLINK("http://x")', "'+62 811", "'-1+1", "'@SUM(A1)"]
    assert all(sheet.cell(row=r, column=2).data_type == "s" for r in range(2, 6))


def test_neutralize_leaves_numbers_and_ordinary_text_alone():
    assert neutralize(-5) == -5
    assert neutralize("Manggar") == "Manggar"
    assert neutralize("\tx") == "'\tx"
    assert neutralize("\rx") == "'\rx"


def test_xlsx_export_has_every_filtered_row(officer):
    response = officer.get(LIST, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 35  # header + 34 kelurahan
    assert ExportLog.objects.get().rows == 34


@pytest.mark.django_db
def test_keyset_page_directly_on_an_empty_queryset():
    page = keyset_page(Kelurahan.objects.none(), [("pk", False)], per_page=10)
    assert page.rows == [] and not page.has_next and not page.has_previous


# --- Cursors carry no personal data, and only the list's own cursors are taken (issue 20, findings 2 and 9) -------

TENANTS = reverse("industry_center:tenant_list")


@pytest.fixture
def tenants(db):
    from industry_center.tests.factories import make_tenant

    # Phones in another order than the names and the keys: sorting by phone is a real order of its own.
    return [make_tenant(f"UD Tempe {n:02d}", phone=f"0812{(n * 37) % 61:04d}{n:04d}") for n in range(60)]


def tenant_names(response):
    return [row.record.name for row in response.context["table"].rows]


def shown_messages(response):
    return [str(message) for message in response.context["messages"]]


def readable(cursor):
    """What anyone holding a cursor can read in it: its text, and the JSON inside whatever base64 it has."""
    texts = [cursor]
    for part in cursor.replace(".", ":").split(":"):
        with contextlib.suppress(ValueError, binascii.Error):
            texts.append(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode("utf-8", "replace"))
    return " ".join(texts)


def walk_tenants(client, params):
    pages, cursors = [], []
    response = client.get(TENANTS, params)
    while True:
        assert response.status_code == 200
        pages.append(tenant_names(response))
        page = response.context["page"]
        cursors += [page.next_cursor, page.previous_cursor]
        if not page.has_next:
            return pages, cursors
        response = client.get(TENANTS, {**params, "after": page.next_cursor})


@pytest.mark.parametrize("role", ["bappeda", "dkumkmp"])
@pytest.mark.parametrize("sort", ["phone", "-phone", "name"])
def test_no_cursor_of_the_tenant_list_holds_a_phone(client, role_users, tenants, role, sort):
    """Finding 2: sorted by phone, the next page's cursor held the raw phone, for a role that sees phones masked."""
    client.force_login(role_users[role])
    pages, cursors = walk_tenants(client, {"sort": sort})
    assert sum(len(page) for page in pages) == 60 and len(pages) == 3
    for cursor in cursors:
        text = readable(cursor)
        leaked = [t.phone for t in tenants if t.phone in text or t.phone[-6:] in text]
        assert not leaked, f"{text} holds {leaked}"


def test_a_role_that_sees_phones_masked_cannot_sort_by_them(client, role_users, tenants):
    """Bappeda sees phones masked: the order of the rows would tell what the mask hides, so no sort by phone."""
    client.force_login(role_users["bappeda"])
    default = tenant_names(client.get(TENANTS))
    response = client.get(TENANTS, {"sort": "phone"})
    assert tenant_names(response) == default
    assert not response.context["table"].columns["phone"].orderable
    listing = client.get(TENANTS).content.decode()  # its headers link to their sorts, the phone's to none
    assert 'href="?sort=nib"' in listing and "sort=phone" not in listing and "sort=-phone" not in listing
    export = b"".join(client.get(TENANTS, {"sort": "phone", "export": "csv"}).streaming_content).decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(export))][1:] == sorted(t.name for t in tenants)


def test_the_owning_office_pages_through_a_sort_by_phone_both_ways(client, role_users, tenants):
    client.force_login(role_users["dkumkmp"])
    for sort in ("phone", "-phone"):
        pages, _cursors = walk_tenants(client, {"sort": sort})
        flat = [name for page in pages for name in page]
        sign = "-" if sort.startswith("-") else ""
        assert flat == [t.name for t in sorted(tenants, key=lambda t: (t.phone, t.pk), reverse=bool(sign))]
        second = client.get(
            TENANTS, {"sort": sort, "after": client.get(TENANTS, {"sort": sort}).context["page"].next_cursor}
        )
        back = client.get(TENANTS, {"sort": sort, "before": second.context["page"].previous_cursor})
        assert tenant_names(back) == pages[0]
        assert not shown_messages(second) and not shown_messages(back)


def forged(payload):
    """A cursor written the way this list wrote them before they were signed: base64 of the JSON."""
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def test_an_edited_or_made_up_cursor_is_a_400_that_says_so(client, role_users, tenants):
    """Finding 2: crafted cursors ("the rows after this phone") recovered every phone by bisection."""
    client.force_login(role_users["dkumkmp"])
    first = client.get(TENANTS, {"sort": "phone"})
    first_page = tenant_names(first)
    cursor = first.context["page"].next_cursor
    by_phone = sorted(tenants, key=lambda t: (t.phone, t.pk))
    middle = by_phone[30]
    payload, _sep, signature = cursor.partition(":")
    edited = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    edited["k"] = middle.pk
    crafted = [
        forged({"s": "phone", "v": [middle.phone, middle.pk]}),  # the attack of the finding
        forged({"s": "phone", "v": [middle.phone[:5], 0]}),
        forged(edited) + ":" + signature,  # another row under the real cursor's signature
        cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB"),
        "not-a-cursor!!",
    ]
    for bad in crafted:
        for direction in ("after", "before"):
            response = client.get(TENANTS, {"sort": "phone", direction: bad})
            assert response.status_code == 400, bad
            page = response.content.decode()
            assert "tidak dibuat oleh situs ini" in page and "table" not in response.context, bad
            assert f'href="{TENANTS}?sort=phone"' in page  # back to the list, without the cursor
    assert first_page == tenant_names(client.get(TENANTS, {"sort": "phone"}))
    # A real cursor used with another sort is refused the same way.
    other = client.get(TENANTS, {"sort": "name", "after": cursor})
    assert tenant_names(other) == tenant_names(client.get(TENANTS, {"sort": "name"}))
    assert other.context["page"].refused_cursor
    # And a real cursor in the hands of a user who may not see its row is no position for them.
    client.force_login(role_users["bappeda"])
    default = client.get(TENANTS).context["page"].next_cursor
    assert not client.get(TENANTS, {"after": default}).context["page"].refused_cursor


def test_a_cursor_whose_value_is_not_a_date_is_a_400(client, role_users, reference_data):
    """Finding 9: a validly encoded cursor with garbage for the date it sorts by was a server error."""
    from msme.tests.factories import make_msme

    for n in range(1, 31):
        make_msme(n, registered_on=datetime.date(2022, 1, 1) + datetime.timedelta(days=n))
    client.force_login(role_users["dkumkmp"])
    url = reverse("msme:msme_list")
    first = tenant_names(client.get(url))
    for values in (["garbage", 1], ["2022-13-45", "x"], [None, None], ["2022-01-05"], {"a": 1}):
        response = client.get(url, {"after": forged({"s": "-registered_on", "v": values})})
        assert response.status_code == 400
        assert "tidak dibuat oleh situs ini" in response.content.decode()
    assert first == tenant_names(client.get(url))


@pytest.mark.parametrize("per_page", ["-5", "0", "7", "1000000", "abc"])
def test_a_per_page_that_is_not_offered_is_a_400_that_says_so(officer, per_page):
    """Finding 9: ?per_page=-5 was a server error; an unlisted number (7) showed 7 of the page's 25 rows, so that
    Next skipped the other 18."""
    response = officer.get(LIST, {"per_page": per_page, "sort": "name"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Baris per halaman dapat 25, 50, 100, 250" in page and f"“{per_page}”" in page
    assert f'href="{LIST}?sort=name"' in page  # back to the list, without the parameter
    assert officer.get(LIST, {"per_page": per_page, "export": "csv"}).status_code == 400


def test_an_empty_per_page_is_the_first_choice(officer):
    response = officer.get(LIST, {"per_page": "", "sort": "name"})
    assert response.status_code == 200 and response.context["per_page"] == 25
    assert len(names(response)) == 25
    following = officer.get(LIST, {"sort": "name", "after": response.context["page"].next_cursor})
    assert len(names(following)) == 34 - 25


def test_an_offered_per_page_has_no_message(officer):
    for per_page in (25, 50, 100, 250):
        assert not shown_messages(officer.get(LIST, {"per_page": per_page}))
    assert not shown_messages(officer.get(LIST))


@pytest.mark.parametrize("params", [{"per_page": "-5"}, {"per_page": "0"}, {"page": "-1"}, {"page": "x", "sort": "x"}])
def test_a_record_page_ignores_page_and_per_page(officer, params):
    """The related rows of a record's page (a kecamatan's kelurahan) are not paged by the request either."""
    kecamatan = Kecamatan.objects.get(name="Balikpapan Timur")
    response = officer.get(reverse("reference:kecamatan_detail", args=[kecamatan.pk]), params)
    assert response.status_code == 200
    assert "Manggar Baru" in response.content.decode()
