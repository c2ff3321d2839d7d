"""The DPMPTSP workflow in Debian's Chromium, in Indonesian (the default language): register, return,
resubmit, approve, issue."""

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

    nav = page.get_by_test_id("main-nav")
    assert nav.get_by_role("link", name="Antrean permohonan").is_visible()
    nav.get_by_role("link", name="Tambah permohonan").click()
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
    assert "tepat 13 digit" in page.get_by_test_id("entry-form").inner_text()
    page.fill("#id_nib", "8120001234567")
    page.get_by_test_id("save").click()
    page.wait_for_load_state()

    assert page.locator("h1").inner_text() == "SPT-2025-0001"
    assert page.get_by_test_id("status").inner_text() == "Diajukan"
    assert "hari kerja" in page.get_by_test_id("clock").inner_text()

    def step(status, expected):
        page.get_by_test_id(f"transition-{status}").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("status").inner_text() == expected

    step("verification", "Verifikasi")
    page.select_option("#id_return_reason", "wrong_file")
    page.fill("#id_return_note", "Pindaian KTP tidak terbaca")
    step("returned", "Dikembalikan untuk perbaikan")
    step("resubmitted", "Diajukan ulang")
    step("verification", "Verifikasi")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "licensing-journey-verification.png"), full_page=True)
    step("approved", "Disetujui")
    assert page.get_by_test_id("clock").inner_text().strip().endswith("–")
    step("issued", "Diterbitkan")
    assert page.get_by_test_id("workflow").count() == 0  # closed: no further step

    rows = [row.inner_text() for row in page.get_by_test_id("timeline-row").all()]
    assert len(rows) == 7
    expected = [
        "Diajukan",
        "Diajukan → Verifikasi",
        "Verifikasi → Dikembalikan untuk perbaikan",
        "Dikembalikan untuk perbaikan → Diajukan ulang",
        "Diajukan ulang → Verifikasi",
        "Verifikasi → Disetujui",
        "Disetujui → Diterbitkan",
    ]
    for row, text in zip(rows, expected, strict=True):
        assert text in row
    assert "Berkas salah atau tidak lengkap" in rows[2] and "Pindaian KTP tidak terbaca" in rows[2]

    page.screenshot(path=str(ARTIFACTS / "licensing-journey.png"), full_page=True)

    nav.get_by_role("link", name="Antrean permohonan").click()
    page.wait_for_load_state()
    assert "SPT-2025-0001" in page.get_by_test_id("list-table").inner_text()
    assert not errors, errors


def test_dpmptsp_rejects_only_on_a_confirmation_page_with_a_reason_and_corrects_an_applications_data(page, demo):
    """Issue 14: "Tolak" was one click beside "Setujui", without a reason; the data could be corrected only in the
    back office."""
    from licensing.models import PermitApplication

    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.set_viewport_size({"width": 1366, "height": 900})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    open_ones = PermitApplication.objects.filter(status="verification").order_by("pk")
    application, other = open_ones[0], open_ones[1]
    submit_login(page, "dpmptsp", demo)

    page.goto(application.get_absolute_url())
    workflow = page.get_by_test_id("workflow")
    assert workflow.get_by_test_id("transition-rejected").count() == 0  # no one-click rejection
    approve = workflow.get_by_test_id("transition-approved").bounding_box()
    reject = workflow.get_by_test_id("reject-link")
    assert "btn-outline-danger" in reject.get_attribute("class")
    assert reject.bounding_box()["y"] > approve["y"] + approve["height"]  # not beside Approve: below, apart
    page.screenshot(path=str(ARTIFACTS / "licensing-reject-link.png"), full_page=True)

    reject.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == f"Tolak permohonan {application.registration_number}"
    assert page.get_by_test_id("reject-warning").is_visible()
    page.get_by_test_id("confirm-reject").click()  # no reason: refused, nothing written
    page.wait_for_load_state()
    assert "wajib" in page.get_by_test_id("reject-form").inner_text().lower()
    application.refresh_from_db()
    assert application.status == "verification"
    page.select_option("#id_reason", "requirements")
    page.fill("#id_note", "Surat keterangan domisili usaha tidak dilampirkan")
    page.screenshot(path=str(ARTIFACTS / "licensing-reject-confirm.png"), full_page=True)
    page.get_by_test_id("confirm-reject").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "Ditolak"
    last = page.get_by_test_id("timeline-row").last.inner_text()
    assert "Verifikasi → Ditolak" in last and "Persyaratan tidak terpenuhi" in last
    assert "Surat keterangan domisili usaha tidak dilampirkan" in last
    assert page.get_by_test_id("workflow").count() == 0  # closed
    page.screenshot(path=str(ARTIFACTS / "licensing-rejected.png"), full_page=True)

    page.goto(other.get_absolute_url())
    page.get_by_test_id("edit").click()
    page.wait_for_load_state()
    assert page.locator("#id_status").count() == 0 and page.get_by_test_id("form-intro").is_visible()
    page.fill("#id_applicant_name", "CV Borneo Makmur Sejahtera")
    page.select_option("#id_channel", "counter")
    page.screenshot(path=str(ARTIFACTS / "licensing-correct.png"), full_page=True)
    page.get_by_test_id("save").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == other.registration_number
    assert page.get_by_test_id("status").inner_text() == "Verifikasi"  # the status did not move
    history = page.get_by_test_id("history").inner_text()
    assert "CV Borneo Makmur Sejahtera" in history and "dpmptsp" in history
    page.screenshot(path=str(ARTIFACTS / "licensing-corrected.png"), full_page=True)
    assert not errors, errors


def test_an_applicant_tracks_an_application_with_the_code_of_the_printed_receipt(
    page, browser, live_server, role_users
):
    """The counter prints the receipt with the code; the applicant, not logged in, tracks the application on a
    desktop and on a phone (390 px: nothing wider than the screen)."""
    from datetime import timedelta

    from django.utils import timezone

    from licensing.services import permit_application_create, permit_application_transition

    permit_type = PermitType.objects.create(
        code="pbg-track", name="Persetujuan Bangunan Gedung", service_level_days=5, risk_level="rendah"
    )
    officer = role_users["dpmptsp"]
    application = permit_application_create(
        registration_number="SPT-2025-0042",
        applicant_name="CV Borneo Sejahtera",
        applicant_kind="company",
        nib="8120001234567",
        permit_type=permit_type,
        channel="counter",
        submitted_at=timezone.now() - timedelta(minutes=30),
    )
    permit_application_transition(
        application=application, to_status="verification", by=officer, at=timezone.now() - timedelta(minutes=20)
    )
    permit_application_transition(
        application=application, to_status="returned", by=officer, reason="wrong_file", note="Pindaian KTP buram"
    )
    code = application.tracking_code
    printed = f"{code[:5]}-{code[5:]}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    page.set_viewport_size({"width": 1366, "height": 900})
    submit_login(page, "dpmptsp", "x-test-password-1")
    page.goto(application.get_absolute_url())
    assert printed in page.get_by_test_id("tracking-code").inner_text()
    page.get_by_test_id("receipt-link").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("receipt-code").inner_text() == printed
    assert page.get_by_test_id("receipt-url").inner_text().endswith("/licensing/lacak-izin/")
    page.screenshot(path=str(ARTIFACTS / "licensing-receipt-1366.png"), full_page=True)

    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1366, "height": 900})
    applicant = context.new_page()
    errors = []
    applicant.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    applicant.goto("/licensing/lacak-izin/")
    assert applicant.locator("h1").inner_text() == "Lacak permohonan izin Anda"
    applicant.fill("#id_registration_number", "SPT-2025-0042")
    applicant.fill("#id_tracking_code", "ABCDE-23456")
    applicant.get_by_test_id("tracking-submit").click()
    applicant.wait_for_load_state()
    assert "Tidak ada permohonan" in applicant.get_by_test_id("not-found").inner_text()
    applicant.fill("#id_tracking_code", printed.lower())
    applicant.get_by_test_id("tracking-submit").click()
    applicant.wait_for_load_state()
    result = applicant.get_by_test_id("tracking-result")
    assert applicant.get_by_test_id("tracking-status").inner_text() == "Dikembalikan untuk perbaikan"
    assert applicant.get_by_test_id("tracking-step").count() == 3
    assert "sisa 5 hari kerja" in applicant.get_by_test_id("tracking-days").inner_text()
    assert "Berkas salah atau tidak lengkap" in applicant.get_by_test_id("tracking-return-reason").inner_text()
    for personal in ("CV Borneo", "8120001234567", "Pindaian", "dpmptsp"):
        assert personal not in result.inner_text()
    applicant.screenshot(path=str(ARTIFACTS / "licensing-tracking-1366.png"), full_page=True)

    applicant.set_viewport_size({"width": 390, "height": 844})
    assert applicant.evaluate("document.documentElement.scrollWidth") <= 390
    applicant.screenshot(path=str(ARTIFACTS / "licensing-tracking-390.png"), full_page=True)
    assert not errors, errors
    context.close()
