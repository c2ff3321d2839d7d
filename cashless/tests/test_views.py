"""The cashless pages: upload for the operator's own location, the summary page and its charts, the raw log
list with its mandatory range, keyset pages and capped export; scoping of every page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cashless import views
from cashless.models import ParkingTransaction
from cashless.services import parking_transactions_import

from .factories import csv_of, day_file, link, make_location, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(role_users):
    airport, mall = make_location(), make_location("BSB", "Balikpapan Superblock")
    link(role_users["operator_airport"], airport)
    link(role_users["operator_mall"], mall)
    parking_transactions_import(location=airport, data=day_file(per_day=400), filename="a.csv", user=None)
    parking_transactions_import(location=mall, data=day_file("BSB", per_day=300), filename="b.csv", user=None)
    return airport, mall


def test_the_operator_uploads_a_file_and_gets_the_report_and_a_link_to_the_summary(client, role_users, places):
    airport, _mall = places
    client.force_login(role_users["operator_airport"])
    page = client.get(reverse("cashless:upload")).content.decode()
    assert "SEPINGGAN" in page and "BSB" not in page  # only its own location is offered
    upload = SimpleUploadedFile("day.csv", csv_of(row("NEW-1"), row("NEW-2")), content_type="text/csv")
    response = client.post(reverse("cashless:upload"), {"location": airport.pk, "file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="import-result"' in html and 'data-testid="to-summary"' in html
    assert ParkingTransaction.objects.filter(transaction_id__startswith="NEW-").count() == 2
    bad = SimpleUploadedFile("bad.csv", csv_of(row("NEW-3", amount="12,5")), content_type="text/csv")
    response = client.post(reverse("cashless:upload"), {"location": airport.pk, "file": bad})
    assert response.status_code == 422
    assert "amount" in response.content.decode() and not ParkingTransaction.objects.filter(transaction_id="NEW-3")


def test_an_operator_cannot_upload_to_another_location(client, role_users, places):
    _airport, mall = places
    client.force_login(role_users["operator_airport"])
    upload = SimpleUploadedFile("day.csv", csv_of(row("X-1")), content_type="text/csv")
    assert client.post(reverse("cashless:upload"), {"location": mall.pk, "file": upload}).status_code == 404
    assert not ParkingTransaction.objects.filter(transaction_id="X-1").exists()


def test_the_summary_page_shows_the_charts_from_the_summaries(client, role_users, places):
    client.force_login(role_users["bappeda"])
    html = client.get(reverse("cashless:summary")).content.decode()
    for testid in (
        "chart-share-day",
        "chart-share-month",
        "chart-failure-hour",
        "chart-revenue-method",
        "per-location",
    ):
        assert f'data-testid="{testid}"' in html, testid
    assert "Rp" in html
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("cashless:summary"), {"location": "BSB"})
    assert not any("cashless_parkingtransaction" in query["sql"] for query in queries.captured_queries)


def test_an_operator_sees_only_its_own_location(client, role_users, places):
    _airport, mall = places
    client.force_login(role_users["operator_airport"])
    assert client.get(reverse("cashless:summary"), {"location": "BSB"}).status_code == 404
    assert client.get(reverse("cashless:transaction_list"), {"location": mall.pk}).status_code == 404
    html = client.get(reverse("cashless:summary")).content.decode()
    assert "Balikpapan Superblock" not in html
    assert client.get(reverse("imports:batch_list")).status_code == 200


def test_the_log_list_has_a_default_range_keyset_pages_and_a_capped_export(client, role_users, places, monkeypatch):
    airport, _mall = places
    client.force_login(role_users["operator_airport"])
    response = client.get(reverse("cashless:transaction_list"))
    assert response.status_code == 200
    page = response.context["page"]
    assert len(page.rows) == 25 and page.has_next
    assert all(each.location_id == airport.pk for each in page.rows)
    keys = [(r.business_date, r.entry_time) for r in page.rows]
    assert keys == sorted(keys, reverse=True)  # the keyset index's order
    params = {"location": airport.pk, "date_from": "2025-03-01", "date_to": "2025-03-05"}
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("cashless:transaction_list"), params)
    following = client.get(reverse("cashless:transaction_list"), {**params, "after": page.next_cursor})
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("cashless:transaction_list"), {**params, "after": page.next_cursor})
    assert len(first) + 1 == len(second)  # a cursor's page reads its row's sort values first (smarteconomy.lists)
    assert {r.pk for r in following.context["page"].rows}.isdisjoint({r.pk for r in page.rows})
    monkeypatch.setattr(views.TransactionListView, "export_max_rows", 7)
    export = client.get(reverse("cashless:transaction_list"), {**params, "export": "csv"})
    lines = b"".join(export.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + 7


def test_a_capped_export_made_in_the_background_has_the_same_rows(
    client, role_users, places, monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks
):
    from smarteconomy.models import ExportJob

    airport, _mall = places
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(views.TransactionListView, "export_max_rows", 7)
    client.force_login(role_users["operator_airport"])
    params = {"location": airport.pk, "date_from": "2025-03-01", "date_to": "2025-03-05", "export": "csv"}
    streamed = client.get(reverse("cashless:transaction_list"), params).getvalue()
    settings.EXPORT_INLINE_MAX_ROWS = 3
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(reverse("cashless:transaction_list"), params).status_code == 302
    job = ExportJob.objects.get()
    assert job.rows_expected == job.rows_written == 7
    with job.file.open("rb") as handle:
        assert handle.read() == streamed


def test_a_too_long_range_is_refused_with_a_message(client, role_users, places):
    airport, _mall = places
    client.force_login(role_users["bappeda"])
    response = client.get(
        reverse("cashless:transaction_list"),
        {"location": airport.pk, "date_from": "2025-01-01", "date_to": "2025-12-31"},
    )
    assert response.status_code == 200 and not response.context["page"].rows
    assert "92" in response.content.decode()


def test_the_summary_figures_come_from_two_reads_and_equal_the_single_figure_selectors(places):
    from cashless import selectors

    airport, _mall = places
    for locations in (None, [airport]):
        cells = selectors.summary_cells(locations=locations)
        with CaptureQueriesContext(connection) as queries:
            figures = selectors.overview(cells)
        assert len(queries) == 2
        assert figures["days"] == selectors.by_day(cells)
        assert figures["hours"] == selectors.by_hour(cells)
        assert figures["totals"] == selectors.totals(cells)
        assert figures["by_location"] == selectors.by_location(cells)
        assert figures["revenue"] == selectors.revenue_by_method(cells)
        assert figures["totals"]["paid"] > 0


def test_the_summary_page_runs_a_fixed_number_of_queries(client, role_users, places, django_assert_max_num_queries):
    client.force_login(role_users["bappeda"])
    for params in ({}, {"location": "BSB"}):
        with django_assert_max_num_queries(13):
            assert client.get(reverse("cashless:summary"), params).status_code == 200
