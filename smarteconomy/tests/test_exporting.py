"""The shared exports (smarteconomy/exporting.py) of any table: what each cell becomes in CSV and XLSX."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import django_tables2 as tables
import openpyxl
import pytest
from django.utils import translation
from django.utils.html import format_html

from smarteconomy.exporting import csv_response, table_rows, xlsx_response
from smarteconomy.tables import DateColumn, DateTimeColumn


class PermitLikeTable(tables.Table):
    """Columns as the apps declare them: a time and a date, django-tables2's own BooleanColumn, a column rendered
    as HTML without a ``value`` of its own, a badge, an amount."""

    submitted_at = DateTimeColumn(short=True)
    registered_on = DateColumn()
    on_marketplace = tables.BooleanColumn()
    kelurahan = tables.Column()
    status = tables.Column()
    amount = tables.Column()

    def render_kelurahan(self, value, record):
        return format_html('{}<br><span class="small text-muted">{}</span>', value, record["kecamatan"])

    def render_status(self, value):
        return format_html('<span class="badge text-bg-success">{}</span>', value)


RECORDS = [
    {
        # Submitted on 04/12/2026 at 04.31 WITA, which is 20:31 UTC the day before.
        "submitted_at": datetime(2026, 12, 3, 20, 31, tzinfo=UTC),
        "registered_on": date(2026, 11, 30),
        "on_marketplace": False,
        "kelurahan": "Klandasan Ilir",
        "kecamatan": "Balikpapan Kota",
        "status": "Terbit & selesai",
        "amount": Decimal("1500000.50"),
    },
    {
        "submitted_at": datetime(2026, 12, 4, 1, 0, tzinfo=UTC),
        "registered_on": date(2026, 12, 1),
        "on_marketplace": True,
        "kelurahan": "Manggar",
        "kecamatan": "Balikpapan Timur",
        "status": "Diajukan",
        "amount": 0,
    },
]


def _rows():
    return table_rows(PermitLikeTable([]), RECORDS)


def _csv(language):
    with translation.override(language):
        response = csv_response(_rows(), "permits")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(("language", "yes", "no"), [("id", "Ya", "Tidak"), ("en", "Yes", "No")])
def test_csv_cells_are_wita_times_plain_text_and_yes_no_in_the_language(language, yes, no):
    header, first, second = _csv(language)
    assert header == ["Submitted at", "Registered on", "On marketplace", "Kelurahan", "Status", "Amount"]
    assert first == [
        "2026-12-04 04:31:00",
        "2026-11-30",
        no,
        "Klandasan Ilir Balikpapan Kota",
        "Terbit & selesai",
        "1500000.50",
    ]
    assert second[:3] == ["2026-12-04 09:00:00", "2026-12-01", yes]


def test_xlsx_cells_are_real_dates_numbers_and_plain_text():
    with translation.override("id"):
        response = xlsx_response(_rows(), "permits")
        content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    first = [cell for cell in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert first[0].value == datetime(2026, 12, 4, 4, 31) and first[0].is_date
    assert first[1].value == datetime(2026, 11, 30) and first[1].is_date
    assert [cell.value for cell in first[2:]] == [
        "Tidak",
        "Klandasan Ilir Balikpapan Kota",
        "Terbit & selesai",
        1500000.5,
    ]
    assert sheet["C3"].value == "Ya"
