"""The industry-centre indicators, on a small hand-made centre whose values are worked out by hand."""

from datetime import date, datetime

import pytest
from django.utils import timezone, translation

from analytics.registry import Period, get_indicator
from industry_center.choices import EquipmentLevel
from industry_center.models import LevyBill, ProductionHouse
from industry_center.services import levy_bill_cancel, levy_bills_issue_month, payment_record, tenancy_save

from .factories import at, make_centre, make_house, make_tenancy

pytestmark = pytest.mark.django_db
MARCH = Period(2025, 3)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def centre():
    centre = make_centre()
    a = make_tenancy(centre, "RP-01", "A", levy=100_000)
    b = make_tenancy(centre, "RP-02", "B", levy=100_000)
    c = make_tenancy(centre, "RP-03", "C", levy=200_000)
    make_house(centre, "RP-04", equipment_level=EquipmentLevel.APPROPRIATE)  # vacant
    tenancy_save(tenancy=c, end=date(2025, 3, 20))
    # The houses existed since 2024 (their history says so).
    ProductionHouse.history.update(history_date=timezone.make_aware(datetime(2024, 1, 1)))
    levy_bills_issue_month(period=date(2025, 3, 1), today=date(2025, 3, 1))
    bills = {bill.tenancy_id: bill for bill in LevyBill.objects.all()}
    payment_record(bill=bills[a.pk], channel="qris", amount=100_000, paid_at=at(2025, 3, 5), reference="R1")
    payment_record(bill=bills[b.pk], channel="cash", amount=50_000, paid_at=at(2025, 3, 10))
    return {"a": a, "b": b, "c": c, "bills": bills}


def value(code, period=MARCH):
    return get_indicator(code).compute(period)


def test_collection_rate_is_paid_over_billed(centre):
    # billed 100.000 + 100.000 + 200.000; paid 100.000 + 50.000
    assert value("industry_center.collection_rate").value == pytest.approx(37.5)


def test_cancelled_bills_are_not_billed(centre):
    levy_bill_cancel(bill=centre["bills"][centre["c"].pk], reason="Left the centre early")
    assert value("industry_center.collection_rate").value == pytest.approx(75.0)


def test_cashless_share_is_qris_over_all_paid(centre):
    payment_record(
        bill=centre["bills"][centre["b"].pk],
        channel="transfer",
        amount=50_000,
        paid_at=at(2025, 3, 12),
        reference="TRF-1",
    )
    # QRIS 100.000 of 200.000 paid in March (transfer is not QRIS)
    assert value("industry_center.cashless_share").value == pytest.approx(50.0)
    assert value("industry_center.cashless_share", Period(2025, 4)).value is None  # nothing paid: no value


def test_arrears_amount_and_tenants_at_the_end_of_the_period(centre):
    # At 31/03: B owes 50.000, C owes 200.000 (due 15/03).
    assert value("industry_center.arrears_amount").value == 250_000
    assert value("industry_center.arrears_tenants").value == 2
    payment_record(bill=centre["bills"][centre["c"].pk], channel="cash", amount=200_000, paid_at=at(2025, 4, 2))
    assert value("industry_center.arrears_amount").value == 250_000  # paid after March ended
    assert value("industry_center.arrears_amount", Period(2025, 4)).value == 50_000
    assert value("industry_center.arrears_tenants", Period(2025, 4)).value == 1


def test_occupancy_at_the_end_of_the_period(centre):
    # 4 houses; at 31/03 A and B are let (C ended on 20/03)
    measurement = value("industry_center.occupancy")
    assert measurement.value == pytest.approx(50.0)
    assert measurement.note["params"] == {"let": 2, "total": 4}


def test_appropriate_technology_share_follows_the_history(centre):
    assert value("industry_center.appropriate_technology_share").value == pytest.approx(25.0)
    house = ProductionHouse.objects.get(unit_code="RP-01")
    house.equipment_level = EquipmentLevel.APPROPRIATE
    house._history_date = timezone.make_aware(datetime(2025, 5, 10))
    house.save()
    assert value("industry_center.appropriate_technology_share").value == pytest.approx(25.0)  # March: before
    assert value("industry_center.appropriate_technology_share", Period(2025, 5)).value == pytest.approx(50.0)


def test_a_year_is_recomputed_from_its_records(centre):
    assert value("industry_center.collection_rate", Period(2025)).value == pytest.approx(37.5)
    assert Period(2025, 3) in get_indicator("industry_center.occupancy").periods()
    assert (
        get_indicator("industry_center.collection_rate")
        .records_url(MARCH)
        .endswith("?period_from=2025-03-01&period_to=2025-03-31")
    )
