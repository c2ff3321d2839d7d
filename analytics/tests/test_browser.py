"""The leading-sectors page in Debian's Chromium: charts, narrative, data-source label, exports."""

import csv
import io
from pathlib import Path

import pytest

from smarteconomy.testing_browser import ARTIFACTS, submit_login

pytestmark = pytest.mark.browser


def test_bappeda_sees_the_leading_sectors_with_charts_and_exports(page, demo):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    submit_login(page, "bappeda", demo)
    page.get_by_test_id("main-nav").get_by_role("link", name="Sektor unggulan (LQ, shift-share, Klassen)").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("data-source").inner_text().count("bukan data resmi BPS") == 1
    assert "12 dari 17 sektor" in page.get_by_test_id("narrative").inner_text()
    for chart in ("chart-lq", "chart-shiftshare", "chart-klassen"):
        svg = page.get_by_test_id(chart)
        assert svg.is_visible()
        assert svg.bounding_box()["width"] > 600
    assert page.locator('[data-testid="chart-lq"] .bar').count() == 17
    assert page.locator('[data-testid="chart-klassen"] .point').count() == 17

    # Change the method: the Esteban-Marquillas columns appear.
    page.select_option("#id_method", "esteban-marquillas")
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_load_state()
    assert page.get_by_role("columnheader", name="Efek kompetitif (CE)").count() == 1

    with page.expect_download() as info:
        page.get_by_test_id("export-shiftshare-csv").click()
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_bytes().decode("utf-8-sig"))))
    assert rows[-1][0] == "TOTAL" and len(rows) == 19
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "leading-sectors.png"), full_page=True)
    assert not errors, errors


def test_bappeda_opens_the_scorecard_from_the_home_page_and_recomputes_it(page, demo):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    submit_login(page, "bappeda", demo)
    # Bappeda's home page is its worklist, with the scorecard as the first button.
    page.get_by_test_id("scorecard-link").click()
    page.wait_for_load_state()
    assert page.url.endswith("/analytics/scorecard/")
    assert page.locator("h1").inner_text() == "Kartu Kinerja Smart Economy"
    pillar = page.get_by_test_id("pillar-leading_sectors")
    assert "Sektor basis (LQ > 1)" in pillar.inner_text()
    assert pillar.locator("svg.sparkline").count() == 2
    # Cashless (indicator 6) is measured from the e-parking demo logs (cashless/demo.py).
    assert "Porsi nontunai transaksi parkir yang lunas" in page.get_by_test_id("pillar-cashless").inner_text()
    before = page.get_by_test_id("data-as-of").inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "scorecard.png"), full_page=True)

    page.get_by_test_id("recompute").click()
    page.wait_for_load_state()
    after = page.get_by_test_id("data-as-of").inner_text()
    assert after != before and after.startswith("Data per")

    page.get_by_role("link", name="Sektor basis (LQ > 1)").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("chart-indicator").is_visible()
    assert page.get_by_test_id("definition").is_visible()
    page.fill("#id_target-year", "2025")
    page.fill("#id_target-value", "14")
    page.get_by_role("button", name="Simpan target").click()
    page.wait_for_load_state()
    assert "2025" in page.get_by_test_id("targets").inner_text()
    page.screenshot(path=str(ARTIFACTS / "indicator.png"), full_page=True)
    assert not errors, errors


def test_a_target_typed_with_a_decimal_comma_is_saved_as_typed(page, demo):
    """A target typed 2,5 in Chromium was saved as 25 (its <input type=number> dropped the comma): it is saved as
    2,5 and shown as 2,5 afterwards, with the indicator's unit beside the input."""
    from decimal import Decimal

    from analytics.models import IndicatorTarget

    submit_login(page, "bappeda", demo)
    page.goto("/analytics/indicators/msme.integration_rate/")
    form = page.get_by_test_id("target-form")
    assert form.locator(".input-group-text").inner_text() == "%"
    form.get_by_label("Tahun").fill("2030")
    form.get_by_label("Target").press_sequentially("2,5")
    assert form.get_by_label("Target").input_value() == "2,5"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    form.screenshot(path=str(ARTIFACTS / "target-form-decimal-comma.png"))
    form.get_by_role("button", name="Simpan target").click()
    page.wait_for_load_state()
    assert "Target disimpan" in page.locator(".alert").first.inner_text()
    assert IndicatorTarget.objects.get(indicator_code="msme.integration_rate", year=2030).value == Decimal("2.5")
    row = page.get_by_test_id("targets").locator("tr", has_text="2030")
    assert row.locator("td.num").inner_text() == "2,5"
    page.get_by_test_id("targets").screenshot(path=str(ARTIFACTS / "targets-after-decimal-comma.png"))


def test_bappeda_publishes_an_edition_and_downloads_its_pdf(page, demo):
    """Bappeda publishes an edition of 2025 from the editions page, reads its hash, and downloads its PDF twice:
    the same bytes. The demo's own edition (seed_demo) is already listed."""
    from analytics.models import ScorecardEdition

    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    submit_login(page, "bappeda", demo)
    page.get_by_test_id("scorecard-link").click()
    page.get_by_test_id("editions-link").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Edisi terbitan"
    assert "Evaluasi Smart Economy 2025" in page.get_by_test_id("editions").inner_text()

    form = page.get_by_test_id("publish-form")
    form.locator("select[name=period]").select_option("2025")
    form.locator("input[name=title]").fill("Evaluasi Smart Economy 2025 untuk Kemendagri")
    form.locator("textarea[name=notes]").fill("Laporan evaluasi Smart City")
    page.get_by_test_id("publish").click()
    page.wait_for_load_state()
    edition = ScorecardEdition.objects.get(title="Evaluasi Smart Economy 2025 untuk Kemendagri")
    assert page.locator("h1").inner_text() == edition.title
    assert page.get_by_test_id("content-hash").inner_text() == edition.content_hash
    assert page.get_by_test_id("hash-check").inner_text() == "cocok dengan entri yang tersimpan"
    assert "Edisi “Evaluasi Smart Economy 2025 untuk Kemendagri” diterbitkan" in page.content()

    downloads = []
    for _attempt in range(2):
        with page.expect_download() as info:
            page.get_by_test_id("download-pdf").click()
        downloads.append(Path(info.value.path()).read_bytes())
        assert info.value.suggested_filename == f"edisi-smart-economy-2025-{edition.pk}.pdf"
    assert downloads[0].startswith(b"%PDF") and downloads[0] == downloads[1]

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"edition-{width}.png"), full_page=True)
        # Nothing wider than the screen but the tables, which scroll in their own boxes.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.goto("/analytics/scorecard/editions/")
    page.screenshot(path=str(ARTIFACTS / "edition-list-390.png"), full_page=True)
    assert not errors, errors


@pytest.fixture
def releases(live_server, _allow_async_unsafe, reference_data, role_users, tmp_path):
    """The demo GRDP as release 1 and Balikpapan's BPS table with 2023* revised as release 2 (test_vintages)."""
    from analytics.tests.test_vintages import make_two_releases

    return make_two_releases(tmp_path)


@pytest.mark.parametrize("width", [1366, 390])
def test_releases_and_the_province_comparison_at_desktop_and_phone_widths(page, releases, width):
    from analytics.tests.test_vintages import OLD

    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.set_viewport_size({"width": width, "height": 900})
    submit_login(page, "bappeda", "x-test-password-1")
    page.goto("/analytics/leading-sectors/")
    assert "2023* sementara" in page.get_by_test_id("preliminary-years").inner_text()
    assert page.get_by_role("columnheader", name="LQ 2023*").count() == 1
    page.select_option("#id_compare", OLD)
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_load_state()
    assert "Jasa Pendidikan" in page.get_by_test_id("class-changes").inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"leading-sectors-releases-{width}.png"), full_page=True)

    page.goto("/analytics/regions/compare/")
    heat = page.get_by_test_id("lq-heat")
    assert heat.is_visible() and "P Jasa Pendidikan\t1,28" in heat.inner_text() and ", 2023" in heat.inner_text()
    assert page.get_by_test_id("neighbours").inner_text().count("belum ada data") == 4
    # The table scrolls inside its box on a phone; the page itself does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    page.screenshot(path=str(ARTIFACTS / f"province-comparison-{width}.png"), full_page=True)
    page.select_option("#id_vintage", OLD)
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_load_state()
    assert "preliminary" not in page.content() and page.get_by_test_id("lq-heat").is_visible()
    assert not errors, errors
