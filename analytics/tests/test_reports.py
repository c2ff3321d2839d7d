"""The monitoring report (XLSX and PDF) built from the demo scorecard, and its download view."""

import io
import re
import zipfile

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from analytics import demo, registry, reports
from analytics.registry import Period
from analytics.scorecard import indicators_recompute
from smarteconomy.models import ExportLog
from smarteconomy.tasking import run_logged

BASIS = "Basis sectors (LQ > 1)"
COMPETITIVE = "Competitive sectors (DS > 0)"


@pytest.fixture
def demo_scorecard(reference_data, role_users):
    demo.seed(io.StringIO())
    run_logged("analytics.indicators_recompute", indicators_recompute, kwargs={"full": True}, pass_run=True)
    return role_users


def _pdf_text(content):
    """The text of a PDF built with compress=False: the string operands of its text operators, in order.
    (The fonts' ASCII characters keep their codes; only the embedded font files are still compressed.)"""
    text = content.decode("latin-1")
    pieces = []
    for literal in re.findall(r"\(((?:\\.|[^\\)])*)\)\s*Tj", text):
        pieces.append(re.sub(r"\\([()\\])", r"\1", literal))
    return re.sub(r"\s+", " ", " ".join(pieces))


def _sheet_rows(sheet):
    return {row[0]: row for row in sheet.iter_rows(values_only=True) if row and isinstance(row[0], str)}


@pytest.fixture
def cashless_not_measured(monkeypatch):
    """The scorecard as it is before the cashless app declares its indicators: one pillar without any."""
    kept = {code: i for code, i in registry.INDICATORS.entries.items() if i.pillar != "cashless"}
    monkeypatch.setattr(registry.INDICATORS, "entries", kept)


@pytest.mark.django_db
def test_xlsx_has_the_sheets_the_numbers_and_charts(demo_scorecard, cashless_not_measured):
    with translation.override("en"):
        content = reports.monitoring_report_xlsx(period=Period(2023))
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Summary", "Indicators", "Incomplete data", "Charts"]

    summary = book["Summary"]
    assert summary["A1"].value == "Monitoring Report of the Smart Economy Indicators of Kota Balikpapan"
    assert "2023" in summary["A2"].value
    assert summary["A3"].value.startswith("Data as of ") and summary["A3"].value.endswith(" WITA")
    counts = _sheet_rows(summary)
    assert counts["On track"][1] == 1
    assert counts["Off track"][1] == 1
    assert counts["Total"][1] == len(registry.all_indicators())  # every registered indicator has a row

    rows = _sheet_rows(book["Indicators"])
    basis = rows[BASIS]
    assert basis[1:7] == ("2023", 12, 12, 100, "On track", "2/2")
    value_cell = next(row[2] for row in book["Indicators"].iter_rows() if row[0].value == BASIS)
    assert value_cell.number_format == "#,##0" and value_cell.data_type == "n"
    competitive = rows[COMPETITIVE]
    assert competitive[1:7] == ("2023", 3, 5, 60, "Off track", "4/4")
    assert competitive[8].startswith("2019–2023")  # the note: base year to year, then the data source
    # The pillars without indicators say so.
    assert rows["Cashless society"]
    assert "No indicator of this pillar is in the scorecard yet." in rows

    # 2023 is complete for the leading-sector indicators: neither is listed as missing (the licensing indicators,
    # which have no data in this test, are).
    missing_names = {row[1] for row in _sheet_rows(book["Incomplete data"]).values() if len(row) > 1}
    assert BASIS not in missing_names and COMPETITIVE not in missing_names

    # Charts: the achievement chart (on the summary) and the basis-sector trend (2019, 2023).
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        charts = sorted(name for name in archive.namelist() if name.startswith("xl/charts/chart"))
        assert charts == ["xl/charts/chart1.xml", "xl/charts/chart2.xml"]
        assert b"<c:barChart>" in archive.read("xl/charts/chart1.xml")
        assert b"<c:lineChart>" in archive.read("xl/charts/chart2.xml")
    trend = _sheet_rows(book["Charts"])
    assert trend["2019"][1:3] == (12, None)
    assert trend["2023"][1:3] == (12, 12)


@pytest.mark.django_db
def test_xlsx_lists_missing_inputs(demo_scorecard):
    with translation.override("en"):
        content = reports.monitoring_report_xlsx(period=Period(2024))
    missing = list(
        openpyxl.load_workbook(io.BytesIO(content))["Incomplete data"].iter_rows(min_row=7, values_only=True)
    )
    assert (BASIS, "2024", "PDRB 64.71 2024 (ADHK)", "0/17") in [row[1:5] for row in missing]
    assert (COMPETITIVE, "–") in [row[1:3] for row in missing]  # no 2024 snapshot at all


@pytest.mark.django_db
def test_monthly_report_shows_the_latest_year_with_a_value(demo_scorecard):
    report = reports.build_report(Period(2024, 5))
    rows = {row.indicator.code: row for row in report.rows}
    assert rows["analytics.basis_sector_count"].period == "2023"
    assert [s.period for s in rows["analytics.basis_sector_count"].series] == ["2019", "2023"]
    assert rows["analytics.competitive_sector_count"].period == "2023"
    assert reports.build_report(Period(2019, 5)).rows[1].snapshot is None


@pytest.mark.django_db
def test_pdf_text_names_the_report_and_indicators_in_indonesian_format(demo_scorecard):
    with translation.override("id"):
        content = reports.monitoring_report_pdf(period=Period(2023), compress=False)
        title = translation.gettext("Monitoring Report of the Smart Economy Indicators of Kota Balikpapan")
    assert content.startswith(b"%PDF")
    text = _pdf_text(content)
    assert title in text and title.startswith("Laporan Pemantauan")
    assert "Sektor basis (LQ > 1)" in text and "Sektor kompetitif (DS > 0)" in text  # the report is in Indonesian
    assert "100,0%" in text and "60,0%" in text  # Indonesian decimal comma
    assert "WITA" in text
    # The default output is compressed and still a PDF.
    compressed = reports.monitoring_report_pdf(period=Period(2023))
    assert compressed.startswith(b"%PDF") and len(compressed) < len(content)


def test_pdf_shows_the_text_with_dejavu_or_falls_back():
    regular, bold = reports.pdf_fonts()
    assert (regular, bold) in {("DejaVuSans", "DejaVuSans-Bold"), ("Helvetica", "Helvetica-Bold")}


@pytest.mark.django_db
def test_pdf_of_an_empty_scorecard(role_users, cashless_not_measured):
    with translation.override("en"):
        content = reports.monitoring_report_pdf(period=Period(2023, 5), compress=False)
    assert content.startswith(b"%PDF")
    text = _pdf_text(content)
    assert "Monthly report, May 2023" in text
    assert "No indicator of this pillar is in the scorecard yet." in text
    assert "Not computed yet" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fmt", "content_type", "magic"),
    [
        ("pdf", "application/pdf", b"%PDF"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    ],
)
def test_view_returns_the_attachment_and_logs_it(client, demo_scorecard, fmt, content_type, magic):
    user = demo_scorecard["dpmptsp"]
    client.force_login(user)
    response = client.get(reverse("analytics:report"), {"period": "2023", "format": fmt})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="laporan-smart-economy-2023.{fmt}"'
    assert response.content.startswith(magic)
    log = ExportLog.objects.get()
    assert (log.list_name, log.user, log.office, log.format, log.rows) == (
        "analytics:report",
        user,
        "dpmptsp",
        fmt,
        len(registry.all_indicators()),
    )
    assert log.query == f"period=2023&format={fmt}"


@pytest.mark.django_db
def test_view_defaults_to_pdf_of_the_latest_year_with_snapshots(client, demo_scorecard):
    client.force_login(demo_scorecard["bappeda"])
    response = client.get(reverse("analytics:report"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="laporan-smart-economy-2024.pdf"'
    response = client.get(reverse("analytics:report"), {"period": "2023-05", "format": "xlsx"})
    assert response["Content-Disposition"] == 'attachment; filename="laporan-smart-economy-2023-05.xlsx"'


@pytest.mark.django_db
def test_scorecard_offers_the_report_of_every_year_and_each_one_downloads(client, demo_scorecard):
    import pypdf

    client.force_login(demo_scorecard["bappeda"])
    page = client.get(reverse("analytics:scorecard")).content.decode()
    form = re.search(r'<form method="get" action="([^"]+)"[^>]*data-testid="report-form">(.*?)</form>', page, re.S)
    assert form and form[1] == reverse("analytics:report")
    periods = re.findall(r'<option value="([^"]+)">', form[2])
    assert periods[0] == "2024"  # the default, as the plain button had
    years = [p for p in periods if len(p) == 4]
    assert years == sorted(years, reverse=True) and len(years) > 1
    assert re.findall(r'name="format" value="(\w+)"', form[2]) == ["pdf", "xlsx"]
    for period in periods:
        response = client.get(reverse("analytics:report"), {"period": period, "format": "pdf"})
        assert response.status_code == 200, period
        assert len(pypdf.PdfReader(io.BytesIO(response.content)).pages) >= 1


def test_report_periods_are_the_years_then_the_months_of_the_latest_year_with_months():
    from datetime import date

    from analytics.views.scorecard import _report_periods

    periods = _report_periods({"2024", "2025", "2026", "2025-11", "2025-12", "2024-12"})
    assert periods == [
        ("2026", 2026),
        ("2025", 2025),
        ("2024", 2024),
        ("2025-12", date(2025, 12, 1)),
        ("2025-11", date(2025, 11, 1)),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"period": "2023-13"}, {"period": "23"}, {"period": "abcd"}, {"format": "docx"}])
def test_view_refuses_a_bad_period_or_format(client, demo_scorecard, query):
    client.force_login(demo_scorecard["bappeda"])
    response = client.get(reverse("analytics:report"), query)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert next(iter(query.values())).encode() in response.content  # the message names what was wrong
    assert not ExportLog.objects.exists()


@pytest.mark.django_db
def test_pdf_with_more_indicators_than_fit_one_chart_page(monkeypatch):
    from dataclasses import replace

    from django.utils import timezone

    from analytics.models import IndicatorSnapshot

    template = registry.get_indicator("analytics.basis_sector_count")
    many = {f"test.indicator_{n:02d}": replace(template, code=f"test.indicator_{n:02d}") for n in range(45)}
    monkeypatch.setattr(registry.INDICATORS, "entries", many)
    for n, code in enumerate(many):
        IndicatorSnapshot.objects.create(
            indicator_code=code,
            pillar=template.pillar,
            period="2023",
            period_start="2023-01-01",
            value=n,
            target=10,
            achievement=n * 4.0,
            status="on_track" if n >= 25 else "off_track",
            completeness={"present": 1, "expected": 1},
            computed_at=timezone.now(),
        )
    content = reports.monitoring_report_pdf(period=Period(2023), compress=False)
    assert content.startswith(b"%PDF")
    assert content.count(b"/Type /Page\n") + content.count(b"/Type /Page ") >= 4  # the charts took several pages


@pytest.mark.parametrize(
    "points",
    [
        # Values over three years and no target at all (the scorecard report of 2025 and 2026 was a 500).
        [(Period(2024), 1.0, None), (Period(2025), 2.0, None), (Period(2026), 3.0, None)],
        # A target for one year only, and a value measured once.
        [(Period(2024), None, None), (Period(2025), 2.0, 5.0), (Period(2026), None, None)],
        # Nothing known at all.
        [(Period(2025), None, None), (Period(2026), None, None)],
    ],
)
def test_trend_chart_draws_a_series_with_fewer_than_two_points_as_markers(points):
    from types import SimpleNamespace

    from reportlab.graphics import renderPDF

    row = SimpleNamespace(indicator=registry.all_indicators()[0], trend=lambda: points)
    drawing = reports.trend_chart(row, 260)
    assert renderPDF.drawToString(drawing).startswith(b"%PDF")
