"""Issue 15's journey on the demo data, in Chromium, as each user does it: DPMPTSP submits October of its permit
applications, Bappeda approves it, DPMPTSP's next import with an October row is refused with the locked message (and
nothing of the file is written), and Bappeda publishes an edition of October and downloads its PDF.

The demo (seed_demo) leaves the last two ended months of the applications unsubmitted; "October" is the
earlier of them, whatever today's date."""

from pathlib import Path

import pytest
from django.utils import timezone

from analytics.models import ScorecardEdition
from licensing.models import PermitApplication
from licensing.services import APPLICATIONS_SOURCE
from smarteconomy.choices import ImportStatus, ReportingStatus
from smarteconomy.models import ImportBatch, ReportingPeriod
from smarteconomy.periods import Period
from smarteconomy.testing_browser import ARTIFACTS, submit_login

pytestmark = pytest.mark.browser

HEADER = (
    "registration_number,applicant_name,applicant_kind,nib,kbli_codes,permit_type,channel,kelurahan,"
    "submitted_at,status,decided_at,issued_at,oss_reference"
)


def months_back(count):
    month = Period.month_of(timezone.localdate())
    for _step in range(count):
        month = Period(month.year - (month.month == 1), (month.month - 2) % 12 + 1)
    return month


def shoot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(150)
        page.screenshot(path=str(ARTIFACTS / f"official-{name}-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
    page.set_viewport_size({"width": 1366, "height": 900})


def sign_out(page):
    page.context.clear_cookies()


def test_submit_approve_refused_import_then_an_edition_and_its_pdf(page, demo, tmp_path):
    october = months_back(2)  # the earlier of the two ended months the demo leaves unsubmitted
    permit_type = PermitApplication.objects.filter(permit_type__isnull=False).first().permit_type
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    # DPMPTSP submits October from the reporting page.
    submit_login(page, "dpmptsp", demo)
    page.get_by_test_id("main-nav").get_by_role("link", name="Pelaporan").click()
    page.wait_for_load_state()
    page.goto(f"/reporting/{APPLICATIONS_SOURCE}/")
    row = page.locator(f'tr[data-period="{october}"]')
    assert row.get_by_test_id("approve").count() == 0  # an office does not approve
    row.get_by_test_id("submit").click()
    page.wait_for_load_state()
    assert "sudah dikirim" in page.locator(".alert").first.text_content()
    assert ReportingPeriod.objects.get(source=APPLICATIONS_SOURCE, period=str(october)).status == (
        ReportingStatus.SUBMITTED
    )
    shoot(page, "submitted")
    sign_out(page)

    # Bappeda approves it: October's data is locked.
    submit_login(page, "bappeda", demo)
    page.goto(f"/reporting/{APPLICATIONS_SOURCE}/")
    row = page.locator(f'tr[data-period="{october}"]')
    assert row.get_by_test_id("submit").count() == 0
    row.get_by_test_id("approve").click()
    page.wait_for_load_state()
    assert "datanya terkunci" in page.locator(".alert").first.text_content()
    assert page.locator(f'tr[data-period="{october}"]').get_attribute("data-state") == "approved"
    shoot(page, "approved")
    sign_out(page)

    # DPMPTSP's import with an October row: the whole file is refused, the October row listed with the message.
    november = months_back(1)
    csv = tmp_path / "permohonan.csv"
    csv.write_text(
        "\n".join(
            [
                HEADER,
                f"JRN-NOV-1,CV Sejahtera,company,,,{permit_type.code},spontan,,{november}-03 09:00,,,,",
                f"JRN-OKT-1,CV Makmur,company,,,{permit_type.code},spontan,,{october}-15 10:00,,,,",
            ]
        )
        + "\n"
    )
    before = PermitApplication.objects.count()
    submit_login(page, "dpmptsp", demo)
    page.goto("/imports/upload/permits/")
    page.set_input_files("input[type=file]", str(csv))
    page.locator("[data-testid=import-form] button[type=submit]:not([name=dry_run])").click()
    page.wait_for_load_state()
    result = page.get_by_test_id("import-result")
    assert "alert-danger" in result.get_attribute("class")
    listed = page.get_by_test_id("import-errors").locator("tbody tr")
    assert listed.count() == 1
    cells = listed.first.locator("td").all_inner_texts()
    assert cells[0] == "3" and cells[1] == "submitted_at"
    message = cells[2]
    assert str(october) in message and "terkunci" in message, message  # the source, the period, locked
    assert "Bappeda" in message and "/reporting/" in message, message  # who reopens it, and where
    assert PermitApplication.objects.count() == before  # not even the November row
    assert ImportBatch.objects.filter(importer="permits").latest("pk").status == ImportStatus.REFUSED
    shoot(page, "import-refused")
    # A refused upload answers 422 (the browser logs it); nothing else may have gone wrong so far.
    assert all("422" in error for error in errors), errors
    errors.clear()
    sign_out(page)

    # Bappeda publishes an edition of October and downloads its PDF, twice the same bytes.
    submit_login(page, "bappeda", demo)
    page.goto("/analytics/scorecard/editions/")
    form = page.get_by_test_id("publish-form")
    form.locator("select[name=period]").select_option(str(october))
    form.locator("input[name=title]").fill(f"Laporan Smart Economy {october}")
    page.get_by_test_id("publish").click()
    page.wait_for_load_state()
    edition = ScorecardEdition.objects.get(title=f"Laporan Smart Economy {october}")
    assert edition.period == str(october)
    assert page.get_by_test_id("content-hash").inner_text() == edition.content_hash
    downloads = []
    for _attempt in range(2):
        with page.expect_download() as info:
            page.get_by_test_id("download-pdf").click()
        downloads.append(Path(info.value.path()).read_bytes())
    assert downloads[0].startswith(b"%PDF") and downloads[0] == downloads[1]
    shoot(page, "edition")
    assert not errors, errors
