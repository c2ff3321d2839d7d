"""The DKUMKMP journey in Debian's Chromium, in Indonesian: issue this month's bills, open one, see its QR, import
the bank's QRIS settlement file, and the bill shows paid."""

import re
from datetime import date

import pytest
from django.utils import timezone

from industry_center import qris
from industry_center.models import Centre, LevyBill, ProductionHouse
from industry_center.services import tenancy_save, tenant_save
from smarteconomy.testing_browser import ARTIFACTS, submit_login

pytestmark = pytest.mark.browser


def test_dkumkmp_issues_the_bills_opens_one_sees_its_qr_imports_the_settlement_and_the_bill_is_paid(
    page, demo, tmp_path
):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    # A new tenant moves into a vacant production house this month: the month's run has no bill for it yet.
    house = ProductionHouse.objects.filter(tenancies__isnull=True).order_by("unit_code").first()
    tenant = tenant_save(name="UD Tempe Mendoan Baru", owner_name="Sri Rahayu")
    today = timezone.localdate()
    tenancy_save(tenant=tenant, house=house, start=today.replace(day=1), monthly_levy=135_000)

    submit_login(page, "dkumkmp", demo)
    nav = page.get_by_test_id("main-nav")
    nav.get_by_role("link", name="Tagihan retribusi").click()
    page.wait_for_load_state()
    page.get_by_test_id("issue-bills").click()
    page.wait_for_load_state()
    assert "1 tagihan diterbitkan" in page.locator(".alert").first.inner_text()

    bill = LevyBill.objects.get(tenancy__tenant=tenant)
    page.fill("#id_q", "Mendoan")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    page.get_by_test_id("list-table").get_by_role("link", name=bill.number).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == bill.number
    assert page.get_by_test_id("status").inner_text() in ("Diterbitkan", "Lewat jatuh tempo")
    qr = page.get_by_test_id("qris").locator("svg")
    assert qr.is_visible()
    box = qr.bounding_box()
    assert box["width"] > 150 and abs(box["width"] - box["height"]) < 2  # a square QR, big enough to scan
    assert "Rp135.000" in page.get_by_test_id("qris-card").inner_text()
    page.get_by_test_id("qris-card").locator("summary").click()
    payload = page.get_by_test_id("qris-payload").inner_text().strip()
    assert qris.problems(payload) == []
    assert qris.bill_number_of(payload) == bill.number
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "industry-center-bill.png"), full_page=True)

    page.get_by_test_id("print-link").click()
    page.wait_for_load_state()
    assert "SURAT KETETAPAN RETRIBUSI DAERAH" in page.get_by_test_id("bill-sheet").inner_text()
    page.screenshot(path=str(ARTIFACTS / "industry-center-bill-print.png"), full_page=True)
    page.go_back()
    page.wait_for_load_state()

    # The bank's settlement file of the day: this payment (with the bill number in the QRIS) and one unknown.
    merchant = Centre.objects.get(code="SIKS").merchant_id
    moment = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    settlement = tmp_path / f"settlement-{date.today():%Y%m%d}.csv"
    settlement.write_text(
        "transaction_time,amount,rrn,bill_number,merchant_id,payer\n"
        f"{moment},135000,991122334455,{bill.number},{merchant},SRI RAHAYU\n"
        f"{moment},42000,991122334456,,{merchant},\n"
    )
    nav.get_by_role("link", name="Rekonsiliasi QRIS").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Impor file settlement").click()
    page.wait_for_load_state()
    page.set_input_files("input[type=file]", str(settlement))
    page.get_by_role("button", name="Impor", exact=True).click()
    page.wait_for_load_state()
    assert re.search(r"2 baris diimpor", page.get_by_test_id("import-result").inner_text())

    page.goto(bill.get_absolute_url())
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "Lunas"
    assert page.get_by_test_id("outstanding").inner_text() == "Rp0"
    rows = page.get_by_test_id("payment-row").all()
    assert len(rows) == 1 and "991122334455" in rows[0].inner_text() and "QRIS" in rows[0].inner_text()
    page.screenshot(path=str(ARTIFACTS / "industry-center-bill-paid.png"), full_page=True)

    nav.get_by_role("link", name="Rekonsiliasi QRIS").click()
    page.wait_for_load_state()
    assert "perlu ditangani" in page.get_by_test_id("open-count").inner_text()
    page.screenshot(path=str(ARTIFACTS / "industry-center-reconciliation.png"), full_page=True)
    assert not errors, errors
