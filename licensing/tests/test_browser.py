"""The DPMPTSP workflow in Debian's Chromium: register, return, resubmit, approve, issue."""

import pytest

from licensing.models import PermitType
from smarteconomy.testing_browser import ARTIFACTS, submit_login

pytestmark = pytest.mark.browser


def test_dpmptsp_staff_registers_an_application_returns_it_for_a_wrong_file_approves_it_and_issues_it(page, demo):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    permit_type = PermitType.objects.filter(active=True).first() or PermitType.objects.create(
        code="siup-test", name="Surat Izin Usaha (test)", service_level_days=5, risk_level="rendah"
    )
    submit_login(page, "dpmptsp", demo)
    page.get_by_test_id("lang-en").click()  # the assertions read English
    page.wait_for_load_state()

    nav = page.get_by_test_id("main-nav")
    assert nav.get_by_role("link", name="Queue").is_visible()
    nav.get_by_role("link", name="Add application").click()
    page.wait_for_load_state()
    page.fill("#id_registration_number", "SPT-2025-0001")
    page.fill("#id_applicant_name", "CV Borneo Sejahtera")
    page.select_option("#id_applicant_kind", "company")
    page.fill("#id_nib", "12345")  # too short: refused with the reason
    page.fill("#id_kbli_codes", "47111,56101")
    page.select_option("#id_permit_type", str(permit_type.pk))
    page.select_option("#id_channel", "spontan")
    page.select_option("#id_kelurahan", index=1)
    page.get_by_test_id("save").click()
    page.wait_for_load_state()
    assert "13 digits" in page.get_by_test_id("entry-form").inner_text()
    page.fill("#id_nib", "8120001234567")
    page.get_by_test_id("save").click()
    page.wait_for_load_state()

    assert page.locator("h1").inner_text() == "SPT-2025-0001"
    assert page.get_by_test_id("status").inner_text() == "Submitted"
    assert "working days left" in page.get_by_test_id("clock").inner_text()

    def step(status, expected):
        page.get_by_test_id(f"transition-{status}").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("status").inner_text() == expected

    step("verification", "In verification")
    page.select_option("#id_return_reason", "wrong_file")
    page.fill("#id_return_note", "Scan of the KTP is unreadable")
    step("returned", "Returned for correction")
    step("resubmitted", "Resubmitted")
    step("verification", "In verification")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "licensing-journey-verification.png"), full_page=True)
    step("approved", "Approved")
    assert page.get_by_test_id("clock").inner_text().strip().endswith("–")
    step("issued", "Issued")
    assert page.get_by_test_id("workflow").count() == 0  # closed: no further step

    rows = [row.inner_text() for row in page.get_by_test_id("timeline-row").all()]
    assert len(rows) == 7
    expected = [
        "Submitted",
        "Submitted → In verification",
        "In verification → Returned for correction",
        "Returned for correction → Resubmitted",
        "Resubmitted → In verification",
        "In verification → Approved",
        "Approved → Issued",
    ]
    for row, text in zip(rows, expected, strict=True):
        assert text in row
    assert "Wrong or missing file" in rows[2] and "Scan of the KTP is unreadable" in rows[2]

    page.screenshot(path=str(ARTIFACTS / "licensing-journey.png"), full_page=True)

    nav.get_by_role("link", name="Queue").click()
    page.wait_for_load_state()
    assert "SPT-2025-0001" in page.get_by_test_id("list-table").inner_text()
    assert not errors, errors
