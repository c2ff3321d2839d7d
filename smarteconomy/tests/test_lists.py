"""The shared list page: sorting, filtering, search, keyset pages, and streaming exports."""

import csv
import io

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


def test_a_cursor_from_another_sort_or_a_forged_cursor_shows_the_first_page(officer):
    first = officer.get(LIST, {"sort": "name", "per_page": 25})
    other = officer.get(LIST, {"sort": "code", "per_page": 25, "after": first.context["page"].next_cursor})
    assert names(other) == names(officer.get(LIST, {"sort": "code", "per_page": 25}))
    assert officer.get(LIST, {"after": "not-base64!!"}).status_code == 200


def test_pages_use_no_count_and_no_offset_and_a_constant_number_of_queries(officer):
    first = officer.get(LIST, {"sort": "name", "per_page": 25})
    with CaptureQueriesContext(connection) as short:
        officer.get(LIST, {"sort": "name", "per_page": 25})
    with CaptureQueriesContext(connection) as deep:
        officer.get(LIST, {"sort": "name", "per_page": 25, "after": first.context["page"].next_cursor})
    sql = " ".join(q["sql"].upper() for q in deep.captured_queries)
    assert "COUNT(" not in sql
    assert "OFFSET" not in sql
    assert len(short.captured_queries) == len(deep.captured_queries)


def test_search_filter_and_per_page(officer):
    response = officer.get(LIST, {"q": "manggar"})
    assert sorted(names(response)) == ["Manggar", "Manggar Baru"]
    timur = Kecamatan.objects.get(name="Balikpapan Timur")
    response = officer.get(LIST, {"kecamatan_id": timur.pk, "per_page": 100})
    assert sorted(names(response)) == ["Lamaru", "Manggar", "Manggar Baru", "Teritip"]
    assert len(names(officer.get(LIST, {"per_page": 50}))) == 34
    # An unknown per_page falls back to 25; an invalid filter value shows no rows, not an error page.
    assert len(names(officer.get(LIST, {"per_page": 7}))) == 25
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
