"""The lock of an approved month on the industry centre's sources (houses and tenancies, levy bills and payments,
QRIS settlement files): the record actions on a bill, issuing a month, the tenancy form, the settlement importer
(every locked row listed) and the reconciliation refuse with the locked message, nothing written; a payment made
in an open month on a bill of a locked month and the end of a running tenancy go through (data of their own day);
after a reopening the refused writes go through."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from industry_center.choices import BillStatus
from industry_center.models import LevyBill, Payment, SettlementRow, Tenancy
from industry_center.services import (
    HOUSES_SOURCE,
    LEVY_SOURCE,
    levy_bill_cancel,
    levy_bills_issue_month,
    tenancy_save,
)
from industry_center.sources import SETTLEMENTS_SOURCE
from smarteconomy.choices import ImportStatus
from smarteconomy.importing import run_import
from smarteconomy.sources import PeriodLocked
from smarteconomy.testing_locks import dirty_periods, flash, lock_period, reopen_period, says_locked

from .factories import MERCHANT_ID, make_centre, make_tenancy

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


def test_bill_actions_of_a_locked_month_are_refused_and_a_later_payment_is_not(staff, role_users, bill):
    lock_period(LEVY_SOURCE, "2025-03", role_users)
    dirty = dirty_periods()
    response = staff.post(reverse("industry_center:bill_cancel", args=[bill.pk]), {"reason": "Wrong amount"})
    assert response.status_code == 302 and says_locked(flash(staff, response), "2025-03")
    bill.refresh_from_db()
    assert bill.status == BillStatus.ISSUED and dirty_periods() == dirty

    pay = reverse("industry_center:payment_add", args=[bill.pk])
    response = staff.post(pay, {"channel": "cash", "amount": "50000", "paid_at": "2025-03-20T10:00"})
    assert says_locked(flash(staff, response), "2025-03")
    assert not Payment.objects.exists() and dirty_periods() == dirty

    # Paid in April (open): the payment is April's data; March's bill changes only as a consequence.
    response = staff.post(pay, {"channel": "cash", "amount": "50000", "paid_at": "2025-04-02T10:00"})
    assert "recorded" in flash(staff, response)
    bill.refresh_from_db()
    assert bill.paid_amount == 50_000 and Payment.objects.count() == 1

    reopen_period(LEVY_SOURCE, "2025-03", role_users)
    response = staff.post(pay, {"channel": "cash", "amount": "10000", "paid_at": "2025-03-20T10:00"})
    assert Payment.objects.count() == 2


def test_issuing_a_locked_month_is_refused_with_a_message_not_an_error_page(staff, role_users, bill):
    levy_bill_cancel(bill=bill, reason="Wrong amount")
    lock_period(LEVY_SOURCE, "2025-03", role_users)
    response = staff.post(reverse("industry_center:bill_issue_month"), {"period": "2025-03"})
    assert response.status_code == 302 and says_locked(flash(staff, response), "2025-03")
    assert LevyBill.objects.count() == 1

    reopen_period(LEVY_SOURCE, "2025-03", role_users)
    staff.post(reverse("industry_center:bill_issue_month"), {"period": "2025-03"})
    assert LevyBill.objects.filter(status=BillStatus.ISSUED).count() == 1


def test_the_tenancy_form_refuses_a_change_of_a_locked_month_but_a_tenancy_may_end(staff, role_users, bill):
    tenancy = Tenancy.objects.get()
    lock_period(HOUSES_SOURCE, "2025-03", role_users)
    url = reverse("industry_center:tenancy_edit", args=[tenancy.pk])
    data = {"tenant": tenancy.tenant_id, "house": tenancy.house_id, "start": "2025-01-01", "end": ""}
    response = staff.post(url, {**data, "monthly_levy": "175000"})
    assert response.status_code == 200
    refusal = " ".join(response.context["form"].non_field_errors())
    assert says_locked(refusal, "2025-03") and "Production houses and tenancies" in refusal
    tenancy.refresh_from_db()
    assert tenancy.monthly_levy == 150_000 and tenancy.end is None

    # Ending a tenancy (without bills) at the end of February would empty the locked March: refused.
    other = make_tenancy(tenancy.house.centre, "RP-02", "CV Tahu Jaya")
    with pytest.raises(PeriodLocked):
        tenancy_save(tenancy=other, end=date(2025, 2, 28))
    other.refresh_from_db()
    assert other.end is None
    # Ending one today changes no month before today: allowed.
    today = date.today()
    response = staff.post(url, {**data, "monthly_levy": "150000", "end": today.isoformat()})
    assert response.status_code == 302, response.context["form"].errors
    tenancy.refresh_from_db()
    assert tenancy.end == today

    reopen_period(HOUSES_SOURCE, "2025-03", role_users)
    assert staff.post(url, {**data, "monthly_levy": "175000", "end": today.isoformat()}).status_code == 302


HEADER = "transaction_time,amount,rrn,bill_number,merchant_id,payer\n"


def test_the_settlement_import_lists_the_rows_of_a_locked_month_and_the_reconciliation_refuses(staff, role_users, bill):
    run_import(
        "qris_settlement",
        data=(HEADER + f"2025-03-30 10:00,99000,R0,,{MERCHANT_ID},\n").encode(),
        filename="s.csv",
        user=role_users["dkumkmp"],
    )
    waiting = SettlementRow.objects.get()
    lock_period(SETTLEMENTS_SOURCE, "2025-03", role_users)
    text = HEADER + "".join(
        [
            f"2025-02-28 10:00,150000,R1,,{MERCHANT_ID},\n",
            f"2025-03-05 10:21,150000,R2,{bill.number},{MERCHANT_ID},\n",  # March: locked
            f"2025-03-30 10:00,99000,R0,,{MERCHANT_ID},\n",  # imported already: skipped, not refused
            f"2025-03-31 23:30,150000,R3,,{MERCHANT_ID},\n",  # WITA: still March
        ]
    )
    batch = run_import("qris_settlement", data=text.encode(), filename="s.csv", user=role_users["dkumkmp"])
    assert batch.status == ImportStatus.REFUSED
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "transaction_time"), (5, "transaction_time")]
    assert all(says_locked(e["message"], "2025-03") and "QRIS settlement files" in e["message"] for e in batch.errors)
    assert SettlementRow.objects.count() == 1 and not Payment.objects.exists()

    response = staff.post(reverse("industry_center:settlement_set_aside", args=[waiting.pk]), {"reason": "Refund"})
    assert says_locked(flash(staff, response), "2025-03")
    response = staff.post(
        reverse("industry_center:settlement_resolve", args=[waiting.pk]), {"bill_number": bill.number}
    )
    assert says_locked(flash(staff, response), "2025-03")
    waiting.refresh_from_db()
    assert waiting.status not in ("resolved", "ignored") and not Payment.objects.exists()

    reopen_period(SETTLEMENTS_SOURCE, "2025-03", role_users)
    batch = run_import("qris_settlement", data=text.encode(), filename="s.csv", user=role_users["dkumkmp"])
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert SettlementRow.objects.count() == 4
    staff.post(reverse("industry_center:settlement_set_aside", args=[waiting.pk]), {"reason": "Refund"})
    waiting.refresh_from_db()
    assert waiting.status == "ignored"


def test_a_settlement_matched_to_a_bill_of_a_locked_levy_month_refuses_the_file(role_users, bill):
    """The settlement's own month is open, but its match is a payment in the locked levy month: the save reaches
    the lock, and the file is refused like a bad row, nothing written."""
    lock_period(LEVY_SOURCE, "2025-03", role_users)
    text = HEADER + f"2025-03-05 10:21,150000,R2,{bill.number},{MERCHANT_ID},\n"
    batch = run_import("qris_settlement", data=text.encode(), filename="s.csv", user=role_users["dkumkmp"])
    assert batch.status == ImportStatus.REFUSED and batch.rows_total == 1
    assert (
        says_locked(batch.errors[0]["message"], "2025-03") and "Levy bills and payments" in batch.errors[0]["message"]
    )
    assert batch.errors[0]["code"] == "period_locked"
    assert not SettlementRow.objects.exists() and not Payment.objects.exists()
