"""DKUMKMP in Debian's Chromium: registers an MSME, is warned of a duplicate, adds a listing, enrols it in a
training. Then the main pages in Indonesian at 1366 px, as Bappeda sees them (NIK masked), for the screenshots."""

import pytest

from msme.demo import TRAINING_TITLE
from msme.models import Listing, Msme, Training
from smarteconomy.testing_browser import ARTIFACTS, submit_login

pytestmark = pytest.mark.browser


def test_dkumkmp_registers_an_msme_is_warned_of_a_duplicate_adds_a_listing_and_enrols_it(page, demo):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    existing = Msme.objects.select_related("kelurahan__kecamatan").order_by("pk").first()
    training = Training.objects.get(title=TRAINING_TITLE)
    submit_login(page, "dkumkmp", demo)
    page.get_by_test_id("lang-en").click()
    page.wait_for_load_state()

    nav = page.get_by_test_id("main-nav")
    nav.get_by_role("link", name="Register an MSME").click()
    page.wait_for_load_state()
    page.fill("#id_name", existing.name + ".")  # the same name, typed slightly differently
    page.fill("#id_owner_name", "Rahmawati Pratama")
    page.fill("#id_owner_nik", "6471014113900001")  # month 13: refused with the reason
    page.fill("#id_phone", "0812 7777 1234")
    page.select_option("#id_kelurahan", str(existing.kelurahan_id))
    page.select_option("#id_business_category", "culinary")
    page.get_by_test_id("save").click()
    page.wait_for_load_state()
    assert "birth date DDMMYY" in page.get_by_test_id("entry-form").inner_text()

    page.fill("#id_owner_nik", "6471015506900004")  # a woman born 15 June 1990
    page.get_by_test_id("save").click()
    page.wait_for_load_state()
    candidates = page.get_by_test_id("duplicate-candidates")
    assert candidates.is_visible()
    assert existing.name in candidates.inner_text()
    assert "Similar name in the same kelurahan" in candidates.inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=str(ARTIFACTS / "msme-duplicate-step.png"), full_page=True)
    before = Msme.objects.count()
    page.get_by_test_id("confirm-new").click()
    page.wait_for_load_state()
    assert Msme.objects.count() == before + 1
    created = Msme.objects.order_by("-pk").first()
    assert page.locator("h1").inner_text() == created.name
    assert created.owner_nik == "6471015506900004" and created.phone == "081277771234"
    assert "6471015506900004" in page.content()  # DKUMKMP sees the NIK in full

    page.get_by_test_id("add-listing").click()
    page.wait_for_load_state()
    assert page.input_value("#id_msme") == str(created.pk)
    page.fill("#id_product_name", "Amplang kepiting 250 g")
    page.select_option("#id_category", index=1)
    page.fill("#id_price", "27500")
    page.get_by_test_id("save").click()
    page.wait_for_load_state()
    listing = Listing.objects.get(msme=created)
    assert page.locator("h1").inner_text() == listing.product_name

    page.goto(training.get_absolute_url())
    page.fill("#id_msme", str(created.pk))
    page.get_by_test_id("apply").click()
    page.wait_for_load_state()
    assert "has applied, with a priority score" in page.locator(".alert-success").inner_text()
    row = page.get_by_test_id("participant").filter(has_text=created.name)
    assert row.get_by_test_id("participant-status").inner_text() == "Applied"
    page.get_by_test_id("run-selection").click()
    page.wait_for_load_state()
    # The December 2023 training is full: the new applicant waits, in score order.
    row = page.get_by_test_id("participant").filter(has_text=created.name)
    assert row.get_by_test_id("participant-status").inner_text() == "Waitlisted"
    page.screenshot(path=str(ARTIFACTS / "msme-training.png"), full_page=True)
    assert not errors, errors


def test_main_pages_in_indonesian_for_bappeda(page, demo):
    page.set_viewport_size({"width": 1366, "height": 900})
    submit_login(page, "bappeda", demo)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto("/msme/registry/")
    assert page.locator("h1").inner_text() == "Pendataan UMKM"
    table = page.get_by_test_id("list-table")
    assert "**********" in table.inner_text()  # NIK masked for Bappeda
    # The table fits: no column cut off at 1366 px (it scrolls inside its own box if ever needed).
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366, width
    page.screenshot(path=str(ARTIFACTS / "msme-registry.png"), full_page=True)
    msme = Msme.objects.order_by("pk").first()
    page.goto(msme.get_absolute_url())
    assert msme.owner_nik not in page.content()
    page.screenshot(path=str(ARTIFACTS / "msme-detail.png"), full_page=True)
    page.goto("/msme/report/by-district/?start=2019&end=2022")
    report = page.get_by_test_id("district-report").inner_text()
    # The study's table 3 (48 161 MSMEs, shrunk by the test settings), read as new registrations per year.
    total = Msme.objects.filter(registered_on__year__range=(2019, 2022)).count()
    assert f"{total:,}".replace(",", ".") in report
    assert "pendaftaran baru per tahun" in page.get_by_test_id("report-label").inner_text()
    page.screenshot(path=str(ARTIFACTS / "msme-report.png"), full_page=True)
    page.goto("/msme/listings/")
    page.screenshot(path=str(ARTIFACTS / "msme-listings.png"), full_page=True)
    page.goto("/msme/outlet/payouts/")
    page.screenshot(path=str(ARTIFACTS / "msme-payouts.png"), full_page=True)


def test_dkumkmp_merges_an_entry_field_by_field_and_the_nik_changes_only_when_chosen(page, demo):
    """Issue 14: the merge replaced the registered owner's name and NIK without showing them."""
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.set_viewport_size({"width": 1366, "height": 900})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    existing = Msme.objects.exclude(address="").order_by("pk").first()
    registered = {name: getattr(existing, name) for name in ("owner_name", "owner_nik", "address", "phone")}
    submit_login(page, "dkumkmp", demo)

    page.goto("/msme/new-msme/")
    page.fill("#id_name", existing.name)
    page.fill("#id_owner_name", "Rahmawati Pratama")
    page.fill("#id_owner_nik", "6471015506900004")
    page.fill("#id_address", "Jl. Baru No. 7")
    page.select_option("#id_kelurahan", str(existing.kelurahan_id))
    page.select_option("#id_business_category", existing.business_category)
    page.get_by_test_id("save").click()
    page.wait_for_load_state()
    page.get_by_test_id(f"merge-{existing.pk}").click()
    page.wait_for_load_state()

    comparison = page.get_by_test_id("merge-comparison")
    assert comparison.is_visible()
    nik_row = page.get_by_test_id("merge-row-owner_nik")
    assert "table-warning" in nik_row.get_attribute("class")
    assert existing.owner_nik in nik_row.inner_text() and "6471015506900004" in nik_row.inner_text()
    assert page.get_by_test_id("keep-registered-owner_nik").is_checked()  # the NIK is kept unless chosen
    assert page.get_by_test_id("keep-registered-owner_name").is_checked()
    assert page.get_by_test_id("keep-registered-address").is_checked()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366, width
    page.screenshot(path=str(ARTIFACTS / "msme-merge-comparison.png"), full_page=True)
    assert Msme.objects.get(pk=existing.pk).owner_name == registered["owner_name"]  # nothing written yet

    page.get_by_test_id("keep-entry-owner_name").check()  # the officer takes the owner's name only
    page.get_by_test_id("confirm-merge").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == existing.name
    existing.refresh_from_db()
    assert existing.owner_name == "Rahmawati Pratama"
    assert (existing.owner_nik, existing.address, existing.phone) == (
        registered["owner_nik"],
        registered["address"],
        registered["phone"],
    )
    history = page.get_by_test_id("history").inner_text()
    assert "Rahmawati Pratama" in history and "dkumkmp" in history
    page.screenshot(path=str(ARTIFACTS / "msme-merged.png"), full_page=True)
    assert not errors, errors
