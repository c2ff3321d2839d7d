"""The operator's journey in Debian's Chromium, in Bahasa Indonesia: upload a day's file with a bad row (the
report names it, nothing is written), upload the corrected file (the report says how many rows are new), then
open the summary and its charts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cashless.models import ParkingTransaction
from smarteconomy.testing_browser import ARTIFACTS, submit_login

from .factories import day_file

pytestmark = pytest.mark.browser

# The log of the day before yesterday (its last cars leave the next morning; a time in the future would be
# refused), with the operator's own transaction ids beside the demo's.
DAY = timezone.localdate() - timedelta(days=2)


def test_operator_uploads_a_days_file_sees_the_import_report_then_the_summary_chart(page, demo, tmp_path):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    good = day_file("SEPINGGAN", day=DAY, per_day=600)
    lines = good.decode().splitlines()
    cells = lines[42].split(",")
    cells[4] = "lima ribu"  # the amount in words: refused
    bad_path = tmp_path / f"sepinggan-{DAY}-salah.csv"
    bad_path.write_text("\n".join([*lines[:42], ",".join(cells), *lines[43:]]) + "\n")
    good_path = tmp_path / f"sepinggan-{DAY}.csv"
    good_path.write_bytes(good)
    before = ParkingTransaction.objects.count()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    submit_login(page, "operator_airport", demo)
    nav = page.get_by_test_id("main-nav")
    nav.locator("a[href='/cashless/upload/']").click()
    page.wait_for_load_state()
    assert page.locator("#id_location option").all_inner_texts() == [
        "SEPINGGAN: Bandara Internasional Sultan Aji Muhammad Sulaiman Sepinggan"
    ]

    page.set_input_files("#id_file", str(bad_path))
    page.locator("[data-testid=import-form] button[type=submit]:not([name=dry_run])").click()
    page.wait_for_load_state()
    result = page.get_by_test_id("import-result")
    assert "alert-danger" in result.get_attribute("class")
    report = page.locator("table").first.inner_text()
    assert "43" in report and "amount" in report
    page.screenshot(path=str(ARTIFACTS / "cashless-upload-refused.png"), full_page=True)
    assert ParkingTransaction.objects.count() == before

    page.set_input_files("#id_file", str(good_path))
    page.locator("[data-testid=import-form] button[type=submit]:not([name=dry_run])").click()
    page.wait_for_load_state()
    result = page.get_by_test_id("import-result")
    assert "alert-success" in result.get_attribute("class")
    added = ParkingTransaction.objects.count() - before
    assert added == len(lines) - 1
    assert str(added) in result.inner_text()
    page.screenshot(path=str(ARTIFACTS / "cashless-upload-report.png"), full_page=True)

    page.get_by_test_id("to-summary").click()
    page.wait_for_load_state()
    for testid in ("chart-share-day", "chart-failure-hour", "chart-share-month", "chart-revenue-method"):
        assert page.get_by_test_id(testid).is_visible(), testid
    assert f"{DAY:%d/%m}" in page.get_by_test_id("chart-share-day").inner_html()  # the uploaded day is on the chart
    assert page.get_by_test_id("total-paid").inner_text().strip()
    page.screenshot(path=str(ARTIFACTS / "cashless-summary.png"), full_page=True)

    page.goto("/cashless/transactions/")
    page.wait_for_load_state()
    assert page.get_by_test_id("list-table").locator("tbody tr").count() == 25
    page.screenshot(path=str(ARTIFACTS / "cashless-transactions.png"), full_page=True)
    # The refused upload answers 422, which Chromium logs as a failed resource; nothing else may fail.
    assert not [error for error in errors if "422" not in error], errors
