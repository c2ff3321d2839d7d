"""The industry-centre pages: bills with their QR, payment entry, issuing the month, lists and exports."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from industry_center import qris
from industry_center.choices import BillStatus
from industry_center.models import LevyBill, Payment
from industry_center.services import levy_bills_issue_month

from .factories import make_centre, make_tenancy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def bill():
    centre = make_centre()
    make_tenancy(centre, "RP-01", "UD Tempe Barokah", phone="081234567890")
    levy_bills_issue_month(period=date(2025, 3, 1), today=date(2025, 3, 1))
    return LevyBill.objects.get()


@pytest.fixture
def staff(client, role_users):
    client.force_login(role_users["dkumkmp"])
    client.cookies["django_language"] = "en"
    return client


def test_bill_page_shows_the_dynamic_qris_as_an_svg_qr(staff, bill):
    response = staff.get(bill.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and 'data-testid="qris"' in html
    payload = response.context["qris_payload"]
    assert qris.problems(payload) == []
    assert qris.bill_number_of(payload) == bill.number
    objects = {obj.tag: obj for obj in qris.parse(payload)}
    assert objects["54"].value == "150000" and objects["01"].value == "12"
    assert "Rp150.000" in html


def test_the_qr_svg_is_encoded_once_per_payload_and_scale(monkeypatch):
    from industry_center import selectors

    encoded = []
    make = selectors.segno.make
    monkeypatch.setattr(
        selectors.segno, "make", lambda *args, **kwargs: encoded.append(args[0]) or make(*args, **kwargs)
    )
    first = selectors.qr_svg("PAYLOAD-A")
    assert selectors.qr_svg("PAYLOAD-A") == first and encoded == ["PAYLOAD-A"]
    assert selectors.qr_svg("PAYLOAD-B") != first and selectors.qr_svg("PAYLOAD-A", scale=5) != first
    assert encoded == ["PAYLOAD-A", "PAYLOAD-B", "PAYLOAD-A"]
    assert first == make("PAYLOAD-A", error="m", micro=False).svg_inline(scale=4, border=4, title="QRIS")


def test_printable_bill_has_the_qr_and_the_skrd_heading(staff, bill):
    html = staff.get(reverse("industry_center:bill_print", args=[bill.pk])).content.decode()
    assert "SURAT KETETAPAN RETRIBUSI DAERAH (SKRD)" in html and "<svg" in html
    assert "industry_center.css" in html and "<script>" not in html  # CSP: no inline script


def test_recording_a_payment_from_the_bill_page(staff, bill):
    url = reverse("industry_center:payment_add", args=[bill.pk])
    response = staff.post(url, {"channel": "cash", "amount": "150000", "paid_at": "2025-03-04T10:00"}, follow=True)
    assert "Payment of Rp150.000 recorded." in response.content.decode()
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    assert Payment.objects.get().recorded_by.username == "dkumkmp"
    assert 'data-testid="no-qris"' in response.content.decode()  # nothing left to pay: no QR


def test_a_payment_amount_is_typed_the_indonesian_way(staff, bill):
    """150.000 was read as Rp150 (Django's whole-number field drops a ".000"): it is Rp150.000; a fraction of a
    rupiah is refused, not rounded."""
    url = reverse("industry_center:payment_add", args=[bill.pk])
    page = staff.get(bill.get_absolute_url()).content.decode()
    assert 'name="amount" value="150.000" inputmode="numeric"' in page  # the outstanding amount, proposed
    response = staff.post(url, {"channel": "cash", "amount": "75.000,5", "paid_at": "2025-03-04T10:00"}, follow=True)
    assert "Enter a whole number, without decimals." in response.content.decode() and not Payment.objects.exists()
    response = staff.post(url, {"channel": "cash", "amount": "150.000", "paid_at": "2025-03-04T10:00"}, follow=True)
    assert "Payment of Rp150.000 recorded." in response.content.decode()
    assert Payment.objects.get().amount == 150_000


def test_a_refused_payment_shows_why_and_writes_nothing(staff, bill):
    url = reverse("industry_center:payment_add", args=[bill.pk])
    response = staff.post(url, {"channel": "qris", "amount": "200000", "paid_at": "2025-03-04T10:00"}, follow=True)
    assert "needs its reference" in response.content.decode()
    response = staff.post(url, {"channel": "cash", "amount": "200000", "paid_at": "2025-03-04T10:00"}, follow=True)
    assert "Overpayment: Rp200.000 is more than the Rp150.000" in response.content.decode()
    response = staff.post(url, {"channel": "cash", "amount": "abc", "paid_at": "2025-03-04T10:00"}, follow=True)
    assert "Amount (Rp)" in response.content.decode()
    assert not Payment.objects.exists()


def test_issuing_the_month_twice_issues_once(staff, bill):
    url = reverse("industry_center:bill_issue_month")
    first = staff.post(url, {"period": "2025-04"}, follow=True)
    assert "1 bills issued for 04/2025" in first.content.decode()
    second = staff.post(url, {"period": "2025-04"}, follow=True)
    assert "already has its bill for 04/2025" in second.content.decode()
    assert LevyBill.objects.filter(period=date(2025, 4, 1)).count() == 1


def test_a_cancelled_bill_no_longer_blocks_its_month(staff, bill):
    """Cancel March's bill (a wrong amount), then issue March again: the tenancy gets a new bill, not "every active
    tenancy already has its bill"."""
    response = staff.post(
        reverse("industry_center:bill_cancel", args=[bill.pk]), {"reason": "Wrong amount"}, follow=True
    )
    assert "issue the month again" in response.content.decode()
    response = staff.post(reverse("industry_center:bill_issue_month"), {"period": "2025-03"}, follow=True)
    assert "1 bills issued for 03/2025" in response.content.decode()
    bills = LevyBill.objects.filter(period=date(2025, 3, 1)).order_by("number")
    assert [(b.number, b.status) for b in bills] == [
        ("SKRD-SIKS-202503-0001", BillStatus.CANCELLED),
        ("SKRD-SIKS-202503-0002", BillStatus.ISSUED),
    ]
    new = bills[1]
    assert staff.get(new.get_absolute_url()).status_code == 200
    response = staff.post(reverse("industry_center:bill_issue_month"), {"period": "2025-03"}, follow=True)
    assert "already has its bill for 03/2025" in response.content.decode()


def test_bill_list_filters_and_exports(staff, bill):
    levy_bills_issue_month(period=date(2025, 4, 1), today=date(2025, 4, 1))
    url = reverse("industry_center:bill_list")
    response = staff.get(url, {"period_from": "2025-04-01"})
    assert [row.record.period for row in response.context["table"].rows] == [date(2025, 4, 1)]
    export = staff.get(url, {"export": "csv", "status": "overdue"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert body.count("SKRD-SIKS-") == 1 and "150000" in body  # March is overdue; April still only issued
    export = staff.get(url, {"export": "csv"})
    assert b"".join(export.streaming_content).decode("utf-8-sig").count("SKRD-SIKS-") == 2


def test_bill_list_costs_the_same_queries_for_more_rows(staff, bill):
    url = reverse("industry_center:bill_list")
    staff.get(url)
    with CaptureQueriesContext(connection) as few:
        staff.get(url)
    centre = bill.tenancy.house.centre
    for n in range(2, 8):
        make_tenancy(centre, f"RP-{n:02d}", f"Tenant {n}")
    levy_bills_issue_month(period=date(2025, 5, 1), today=date(2025, 5, 1))
    with CaptureQueriesContext(connection) as many:
        staff.get(url)
    assert len(many) == len(few)


def test_bappeda_reads_without_buttons_and_sees_phones_masked(client, role_users, bill):
    client.force_login(role_users["bappeda"])
    html = client.get(bill.get_absolute_url()).content.decode()
    assert 'data-testid="payment-form"' not in html and 'data-testid="issue-arrears"' not in html
    tenant = bill.tenancy.tenant
    page = client.get(tenant.get_absolute_url()).content.decode()
    assert "081234567890" not in page and "0812*****890" in page
    listing = client.get(reverse("industry_center:tenant_list")).content.decode()
    assert "081234567890" not in listing


def test_overdue_bill_offers_the_arrears_bill(staff, bill):
    bill.refresh_from_db()
    assert bill.due_date < timezone.localdate()
    response = staff.get(bill.get_absolute_url())
    assert 'data-testid="issue-arrears"' in response.content.decode()
    response = staff.post(reverse("industry_center:bill_arrears", args=[bill.pk]), follow=True)
    assert "Arrears bill STRD-SIKS-" in response.content.decode()


def test_tenancy_clash_is_shown_in_the_form(staff, bill):
    tenant = bill.tenancy.tenant
    response = staff.post(
        reverse("industry_center:tenancy_add"),
        {"tenant": tenant.pk, "house": bill.tenancy.house_id, "start": "2025-06-01", "monthly_levy": "100000"},
    )
    assert response.status_code == 200
    assert "already let to UD Tempe Barokah" in response.content.decode()


def test_a_person_resolves_an_ambiguous_settlement_row_from_its_page(staff, bill):
    from industry_center.models import SettlementRow
    from industry_center.services import settlement_row_record

    from .factories import MERCHANT_ID, at

    row = settlement_row_record(
        centre=bill.tenancy.house.centre,
        row_number=2,
        transaction_at=at(2025, 3, 5),
        amount=999,
        rrn="R-9",
        merchant_id=MERCHANT_ID,
    )
    assert row.status == "unmatched"
    page = staff.get(row.get_absolute_url()).content.decode()
    assert 'data-testid="resolve"' in page
    url = reverse("industry_center:settlement_resolve", args=[row.pk])
    response = staff.post(url, {"bill_number": "NOPE"}, follow=True)
    assert "No bill with number “NOPE”" in response.content.decode()
    response = staff.post(url, {"bill_number": bill.number}, follow=True)
    assert f"RRN R-9 recorded as payment of bill {bill.number}" in response.content.decode()
    row.refresh_from_db()
    assert row.status == "resolved" and row.resolved_by.username == "dkumkmp"
    assert Payment.objects.get().reference == "R-9"
    assert SettlementRow.history.filter(status="resolved").exists()
