"""Records, monthly billing, late interest, arrears bills and payments."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import translation

from industry_center.choices import BillKind, BillStatus
from industry_center.models import Centre, LevyBill, Payment, Tenancy
from industry_center.services import (
    add_months,
    centre_save,
    levy_bill_cancel,
    levy_bill_issue_arrears,
    levy_bills_issue_month,
    levy_interest,
    months_late,
    payment_record,
    tenancy_save,
)
from industry_center.tasks import levy_bills_issue_month_task
from smarteconomy.choices import TaskStatus
from smarteconomy.models import TaskRun

from .factories import MERCHANT_ID, STATIC_QRIS, at, make_centre, make_tenancy, make_tenant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def centre():
    return make_centre()


@pytest.fixture
def tenancy(centre):
    return make_tenancy(centre)


# --- Records -----------------------------------------------------------------------------------------------------


def test_centre_takes_its_merchant_id_from_the_static_qris(centre):
    assert centre.merchant_id == MERCHANT_ID


def test_centre_with_a_broken_qris_is_refused_and_not_saved():
    with pytest.raises(ValidationError, match="Wrong CRC"):
        centre_save(code="XX", name="Broken", static_qris=STATIC_QRIS[:-4] + "0000")
    assert not Centre.objects.exists()


def test_a_house_cannot_be_let_twice_at_the_same_time(centre, tenancy):
    other = make_tenant("CV Keripik Manggar", owner_name="Budi")
    with pytest.raises(ValidationError, match="already let to UD Tempe Barokah"):
        tenancy_save(tenant=other, house=tenancy.house, start=date(2025, 6, 1), monthly_levy=100_000)
    tenancy_save(tenancy=tenancy, end=date(2025, 5, 31))
    later = tenancy_save(tenant=other, house=tenancy.house, start=date(2025, 6, 1), monthly_levy=100_000)
    assert Tenancy.objects.filter(house=tenancy.house).count() == 2 and later.pk


def test_tenancy_ending_before_it_starts_is_refused(centre):
    with pytest.raises(ValidationError):
        make_tenancy(centre, start=date(2025, 5, 1), end=date(2025, 4, 1))
    assert not Tenancy.objects.exists()


def test_tenant_nib_and_phone_are_checked():
    with pytest.raises(ValidationError) as error:
        make_tenant("X", nib="123", phone="12ab")
    assert set(error.value.message_dict) == {"nib", "phone"}


# --- Monthly billing -----------------------------------------------------------------------------------------------


def test_monthly_billing_issues_one_bill_per_active_tenancy_and_is_idempotent(centre, tenancy):
    second = make_tenancy(centre, "RP-02", "CV Tahu Sumedang", levy=200_000)
    ended = make_tenancy(centre, "RP-03", "UD Lama", start=date(2024, 1, 1), end=date(2024, 12, 31))
    created, details = levy_bills_issue_month(period=date(2025, 3, 1), today=date(2025, 3, 1))
    assert created == 2
    bills = LevyBill.objects.order_by("number")
    assert [bill.number for bill in bills] == ["SKRD-SIKS-202503-0001", "SKRD-SIKS-202503-0002"]
    assert {bill.tenancy_id for bill in bills} == {tenancy.pk, second.pk}
    assert ended.pk not in {bill.tenancy_id for bill in bills}
    first = bills[0]
    assert (first.amount, first.issued_on, first.due_date, first.status) == (
        150_000,
        date(2025, 3, 1),
        date(2025, 3, 15),
        BillStatus.ISSUED,
    )
    assert levy_bills_issue_month(period=date(2025, 3, 1), today=date(2025, 3, 2))[0] == 0
    assert LevyBill.objects.count() == 2
    assert details["bills_issued"] == 2


def test_the_database_refuses_a_second_monthly_bill_for_the_same_tenancy_and_month(centre, tenancy):
    levy_bills_issue_month(period=date(2025, 3, 1), today=date(2025, 3, 1))
    bill = LevyBill.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        LevyBill.objects.create(
            number="SKRD-X",
            tenancy=tenancy,
            period=bill.period,
            amount=1,
            issued_on=bill.issued_on,
            due_date=bill.due_date,
        )


def test_the_beat_task_runs_the_billing_under_the_lock_and_twice_issues_nothing_more(centre, tenancy):
    first = TaskRun.objects.get(pk=levy_bills_issue_month_task.apply(kwargs={"period": date(2025, 4, 1)}).get())
    second = TaskRun.objects.get(pk=levy_bills_issue_month_task.apply(kwargs={"period": date(2025, 4, 1)}).get())
    assert (first.status, first.rows_affected) == (TaskStatus.SUCCEEDED, 1)
    assert (second.status, second.rows_affected) == (TaskStatus.SUCCEEDED, 0)
    assert LevyBill.objects.count() == 1


def test_the_beat_schedule_issues_bills_on_the_first_of_the_month():
    from celery.schedules import crontab
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["industry-center-levy-bills-monthly"]
    assert entry["task"] == levy_bills_issue_month_task.name
    assert entry["schedule"] == crontab(day_of_month=1, hour=0, minute=30)


def test_a_bill_issued_late_is_never_born_overdue_and_open_bills_turn_overdue(centre, tenancy):
    levy_bills_issue_month(period=date(2025, 1, 1), today=date(2025, 1, 1))
    late = make_tenancy(centre, "RP-02", "CV Terlambat", start=date(2025, 1, 1))
    levy_bills_issue_month(period=date(2025, 1, 1), today=date(2025, 1, 20))
    bill = LevyBill.objects.get(tenancy=late)
    assert (bill.issued_on, bill.due_date, bill.status) == (date(2025, 1, 20), date(2025, 2, 3), BillStatus.ISSUED)
    first = LevyBill.objects.get(tenancy=tenancy)
    assert first.status == BillStatus.OVERDUE  # the same run marked the on-time bill overdue (due 15/01)
    levy_bills_issue_month(period=date(2025, 2, 1), today=date(2025, 2, 4))
    bill.refresh_from_db()
    assert bill.status == BillStatus.OVERDUE


@override_settings(LEVY_DUE_DAY=31)
def test_due_day_is_a_setting_clamped_to_the_month(centre, tenancy):
    levy_bills_issue_month(period=date(2025, 2, 1), today=date(2025, 2, 1))
    assert LevyBill.objects.get().due_date == date(2025, 2, 28)


# --- Interest ---------------------------------------------------------------------------------------------------------


def test_months_late_counts_started_months_across_month_ends():
    due = date(2025, 1, 31)
    assert add_months(due, 1) == date(2025, 2, 28)
    assert months_late(due, date(2025, 1, 31)) == 0
    assert months_late(due, date(2025, 2, 1)) == 1
    assert months_late(due, date(2025, 2, 28)) == 1
    assert months_late(due, date(2025, 3, 1)) == 2
    assert months_late(due, date(2025, 3, 31)) == 2
    assert months_late(due, date(2025, 4, 1)) == 3
    assert months_late(date(2024, 12, 15), date(2025, 1, 16)) == 2  # across the year end


@override_settings(LEVY_INTEREST_CAP_MONTHS=3)
def test_months_late_stops_at_the_cap():
    assert months_late(date(2025, 1, 15), date(2026, 1, 15)) == 3


@override_settings(LEVY_INTEREST_RATE_PER_MONTH="2")
def test_interest_rate_is_a_setting(centre, tenancy):
    levy_bills_issue_month(period=date(2025, 1, 1), today=date(2025, 1, 1))
    bill = LevyBill.objects.get()
    assert levy_interest(bill, as_of=date(2025, 1, 16)) == 3_000  # 2 % of 150.000, one month


def test_interest_on_the_unpaid_part_and_on_each_late_payment(centre, tenancy):
    levy_bills_issue_month(period=date(2025, 1, 1), today=date(2025, 1, 1))
    bill = LevyBill.objects.get()  # Rp150.000 due 15/01/2025
    assert levy_interest(bill, as_of=date(2025, 1, 15)) == 0
    assert levy_interest(bill, as_of=date(2025, 1, 16)) == 1_500
    assert levy_interest(bill, as_of=date(2025, 2, 15)) == 1_500
    assert levy_interest(bill, as_of=date(2025, 2, 16)) == 3_000
    payment_record(bill=bill, channel="cash", amount=50_000, paid_at=at(2025, 1, 10))  # on time
    payment_record(bill=bill, channel="cash", amount=50_000, paid_at=at(2025, 2, 20))  # two months late
    bill.refresh_from_db()
    # 50.000 × 2 months + 50.000 unpaid × 3 months (to 16/03) = 250.000 × 1 %
    assert levy_interest(bill, as_of=date(2025, 3, 16)) == 2_500


# --- Payments and arrears ---------------------------------------------------------------------------------------------


@pytest.fixture
def bill(tenancy):
    levy_bills_issue_month(period=date(2025, 1, 1), today=date(2025, 1, 1))
    return LevyBill.objects.get()


def test_partial_then_full_payment_moves_the_bill_through_its_states(bill):
    payment_record(bill=bill, channel="qris", amount=100_000, paid_at=at(2025, 1, 5), reference="RRN1")
    bill.refresh_from_db()
    assert bill.status == BillStatus.OVERDUE  # today is long after 15/01/2025
    assert bill.outstanding == 50_000
    payment_record(bill=bill, channel="cash", amount=50_000, paid_at=at(2025, 1, 10))
    bill.refresh_from_db()
    assert (bill.status, bill.paid_on, bill.outstanding) == (BillStatus.PAID, date(2025, 1, 10), 0)
    assert not LevyBill.objects.filter(kind=BillKind.ARREARS).exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"amount": 150_001}, "Overpayment: Rp150.001 is more than the Rp150.000"),
        ({"amount": 0}, "more than zero"),
        ({"amount": "12a"}, "not a whole number"),
        ({"channel": "qris", "reference": ""}, "needs its reference"),
        ({"channel": "bitcoin"}, "Unknown payment channel"),
        ({"paid_at": at(2099, 1, 1)}, "in the future"),
    ],
)
def test_bad_payments_are_refused_and_nothing_is_written(bill, kwargs, message):
    fields = {"bill": bill, "channel": "cash", "amount": 10_000, "paid_at": at(2025, 1, 5), **kwargs}
    with pytest.raises(ValidationError, match=message):
        payment_record(**fields)
    bill.refresh_from_db()
    assert bill.paid_amount == 0 and not Payment.objects.exists()


def test_double_payment_by_reference_and_on_a_paid_bill_is_refused(centre, bill):
    payment_record(bill=bill, channel="qris", amount=150_000, paid_at=at(2025, 1, 5), reference="RRN-7")
    with pytest.raises(ValidationError, match="Double payment: bill SKRD-SIKS-202501-0001 was already paid"):
        payment_record(bill=bill, channel="cash", amount=150_000, paid_at=at(2025, 1, 6))
    other = make_tenancy(centre, "RP-09", "CV Lain", start=date(2025, 1, 1))
    levy_bills_issue_month(period=date(2025, 2, 1), today=date(2025, 2, 1))
    february = LevyBill.objects.get(tenancy=other)
    with pytest.raises(ValidationError, match="reference RRN-7 is already recorded on bill SKRD-SIKS-202501-0001"):
        payment_record(bill=february, channel="qris", amount=1_000, paid_at=at(2025, 2, 5), reference="RRN-7")
    assert Payment.objects.count() == 1


def test_late_full_payment_issues_the_arrears_bill_with_the_interest(bill):
    payment_record(bill=bill, channel="qris", amount=150_000, paid_at=at(2025, 3, 3), reference="RRN-L")
    arrears = LevyBill.objects.get(kind=BillKind.ARREARS)
    assert arrears.arrears_of == bill
    assert arrears.amount == 3_000  # 1 % × 2 started months
    assert arrears.number == "STRD-SIKS-202503-0001"
    assert arrears.due_date == date(2025, 4, 2)
    assert levy_interest(arrears, as_of=date(2026, 1, 1)) == 0  # an STRD bears no further interest
    with pytest.raises(ValidationError, match="already has its arrears bill"):
        levy_bill_issue_arrears(bill=bill)


def test_arrears_bill_for_a_bill_still_unpaid_and_refusals(bill):
    with pytest.raises(ValidationError, match="owes no late interest"):
        levy_bill_issue_arrears(bill=bill, on=date(2025, 1, 10))
    arrears = levy_bill_issue_arrears(bill=bill, on=date(2025, 4, 20))
    assert arrears.amount == 6_000  # 4 started months
    with pytest.raises(ValidationError, match="not for another arrears bill"):
        levy_bill_issue_arrears(bill=arrears, on=date(2025, 6, 1))


def test_cancel_needs_a_reason_and_no_payment(bill):
    with pytest.raises(ValidationError, match="Say why"):
        levy_bill_cancel(bill=bill, reason="  ")
    payment_record(bill=bill, channel="cash", amount=1_000, paid_at=at(2025, 1, 3))
    with pytest.raises(ValidationError, match="has payments"):
        levy_bill_cancel(bill=bill, reason="wrong tenant")
    bill.refresh_from_db()
    assert bill.status != BillStatus.CANCELLED


def test_cancelled_bill_takes_no_payment_and_its_month_can_be_billed_again(centre, tenancy):
    levy_bills_issue_month(period=date(2025, 1, 1), today=date(2025, 1, 1))
    bill = LevyBill.objects.get()
    levy_bill_cancel(bill=bill, reason="Wrong amount")
    with pytest.raises(ValidationError, match="is cancelled"):
        payment_record(bill=bill, channel="cash", amount=1_000, paid_at=at(2025, 1, 3))
    # The cancelled bill does not count: issuing January again bills the tenancy anew, under a new number.
    assert levy_bills_issue_month(period=date(2025, 1, 1), today=date(2025, 1, 5))[0] == 1
    bill.refresh_from_db()
    again = LevyBill.objects.exclude(pk=bill.pk).get()
    assert bill.status == BillStatus.CANCELLED
    assert (again.tenancy, again.period, again.status) == (tenancy, date(2025, 1, 1), BillStatus.ISSUED)
    assert again.number == "SKRD-SIKS-202501-0002"
    payment_record(bill=again, channel="cash", amount=again.amount, paid_at=at(2025, 1, 6))
    # ... and only once: the new bill counts.
    assert levy_bills_issue_month(period=date(2025, 1, 1), today=date(2025, 3, 1))[0] == 0
    assert LevyBill.objects.count() == 2


def test_the_database_allows_a_new_monthly_bill_beside_a_cancelled_one_only(centre, tenancy):
    levy_bills_issue_month(period=date(2025, 3, 1), today=date(2025, 3, 1))
    bill = LevyBill.objects.get()
    levy_bill_cancel(bill=bill, reason="Wrong amount")
    fields = {"tenancy": tenancy, "period": bill.period, "issued_on": bill.issued_on, "due_date": bill.due_date}
    LevyBill.objects.create(number="SKRD-NEW", amount=100_000, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        LevyBill.objects.create(number="SKRD-THIRD", amount=100_000, **fields)


def test_a_tenancy_cannot_be_shortened_past_its_bills(centre, tenancy):
    levy_bills_issue_month(period=date(2025, 3, 1), today=date(2025, 3, 1))
    with pytest.raises(ValidationError, match="SKRD-SIKS-202503-0001"):
        tenancy_save(tenancy=tenancy, end=date(2025, 2, 28))
    tenancy.refresh_from_db()
    assert tenancy.end is None
