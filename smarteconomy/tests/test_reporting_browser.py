"""The reporting journey in Chromium: DPMPTSP submits October 2025 of its permit applications from the drill-down,
Bappeda approves it; the grid and the drill-down at 1366 px and 390 px (screenshots in artifacts/)."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from licensing.models import PermitType
from licensing.services import APPLICATIONS_SOURCE, permit_application_create
from smarteconomy.choices import ReportingStatus
from smarteconomy.models import ReportingPeriod
from smarteconomy.testing_browser import ARTIFACTS, submit_login
from smarteconomy.tests.test_phone import MEASURE

pytestmark = pytest.mark.browser

PASSWORD = "x-test-password-1"  # the conftest's make_user
SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def shoot(page, name):
    """Screenshots at 1366 px and 390 px; on a phone nothing sticks out of the page (the grid scrolls in its box)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(SIZES["phone"])
    page.wait_for_timeout(200)
    measure = page.evaluate(MEASURE, 390)
    assert measure["scrollWidth"] <= 390, measure
    for label, size in SIZES.items():
        page.set_viewport_size(size)
        page.screenshot(path=str(ARTIFACTS / f"reporting-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(SIZES["desktop"])


@pytest.fixture
def october(transactional_db, role_users):
    permit_type = PermitType.objects.create(
        code="pbg", name="Persetujuan Bangunan Gedung", service_level_days=5, risk_level="menengah_rendah"
    )
    permit_application_create(
        registration_number="REG-OCT",
        applicant_name="CV Maju",
        applicant_kind="company",
        nib="1234567890123",
        kbli_codes="47111",
        permit_type=permit_type,
        channel="spontan",
        submitted_at=timezone.make_aware(datetime.combine(date(2025, 10, 6), datetime.min.time()).replace(hour=9)),
    )
    return role_users


def test_dpmptsp_submits_october_and_bappeda_approves_it(browser, live_server, october):
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=SIZES["desktop"])
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        submit_login(page, "dpmptsp", PASSWORD)
        assert page.get_by_test_id("periods-to-submit").is_visible()  # the home page's line
        page.get_by_test_id("main-nav").get_by_role("link", name="Pelaporan").click()
        page.wait_for_load_state()
        assert page.url.endswith("/reporting/")
        page.goto("/reporting/?year=2025")
        rows = page.get_by_test_id("grid-row")
        assert rows.count() == 3  # its own three sources (applications, disruptions, survey), nothing of the others
        october_cell = page.locator(f'tr[data-source="{APPLICATIONS_SOURCE}"] td[data-period="2025-10"]')
        assert october_cell.get_attribute("data-state") == "overdue"
        assert "Data masuk, belum dikirim" in october_cell.text_content()
        shoot(page, "overview-office")

        page.locator(f'tr[data-source="{APPLICATIONS_SOURCE}"] th a').click()
        page.wait_for_load_state()
        row = page.locator('tr[data-period="2025-10"]')
        assert row.get_by_test_id("received").text_content().strip() == "1/1"  # received of expected
        row.get_by_test_id("submit").click()
        page.wait_for_load_state()
        assert "sudah dikirim" in page.locator(".alert").first.text_content()
        assert page.locator('tr[data-period="2025-10"]').get_attribute("data-state") == "submitted_late"
        assert page.locator('tr[data-period="2025-10"]').get_by_test_id("approve").count() == 0
        context.clear_cookies()  # signed out

        submit_login(page, "bappeda", PASSWORD)
        page.goto("/reporting/?year=2025")
        assert page.get_by_test_id("office").count() >= 3  # every office
        page.goto(f"/reporting/{APPLICATIONS_SOURCE}/")
        row = page.locator('tr[data-period="2025-10"]')
        assert row.get_by_test_id("submit").count() == 0
        row.get_by_test_id("approve").click()
        page.wait_for_load_state()
        assert "datanya terkunci" in page.locator(".alert").first.text_content()
        row = page.locator('tr[data-period="2025-10"]')
        assert row.get_attribute("data-state") == "approved"
        assert "Disetujui, terkunci" in row.get_by_test_id("state").text_content()
        row.get_by_test_id("history").locator("summary").click()
        history = row.get_by_test_id("history").text_content()
        assert "dpmptsp" in history and "bappeda" in history
        row.locator("details summary", has_text="Buka kembali").click()  # the reopen form is there, folded
        assert row.locator("textarea[name=reason]").is_visible()
        shoot(page, "source-bappeda")

        page.goto("/reporting/?year=2025")
        cell = page.locator(f'tr[data-source="{APPLICATIONS_SOURCE}"] td[data-period="2025-10"]')
        assert cell.get_attribute("data-state") == "approved" and "✔" in cell.text_content()
        shoot(page, "overview-bappeda")
    finally:
        context.close()
    assert ReportingPeriod.objects.get(source=APPLICATIONS_SOURCE, period="2025-10").status == ReportingStatus.APPROVED
