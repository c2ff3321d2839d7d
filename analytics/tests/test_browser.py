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


def test_bappeda_starts_on_the_scorecard_and_recomputes_it(page, demo):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    submit_login(page, "bappeda", demo)
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
