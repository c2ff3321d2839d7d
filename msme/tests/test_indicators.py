"""The msme indicators on hand-made cases."""

from datetime import date
from decimal import Decimal

import pytest

from analytics.registry import Period, get_indicator
from msme import indicators
from msme.models import Listing, MarketplaceCategory
from msme.services import (
    listing_save,
    outlet_movement_record,
    outlet_payout_record,
    outlet_product_save,
    participant_record,
    training_apply,
    training_run_selection,
    training_save,
)

from .factories import make_msme

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(reference_data):
    return MarketplaceCategory.objects.create(code="makanan", name="Makanan")


def test_integration_rate_counts_msmes_with_a_listing_not_products(category):
    """3 MSMEs, 5 products, 1 MSME without listings: 2/3, not the study's 5/3."""
    a, b, c = make_msme(1), make_msme(2), make_msme(3)
    for msme, count in ((a, 4), (b, 1)):
        for n in range(count):
            listing_save(
                msme=msme, product_name=f"P{n}", category=category, price=Decimal(1000), listed_on=date(2023, 1, 5)
            )
    assert Listing.objects.count() == 5
    measurement = indicators.integration_rate(Period(2023))
    assert measurement.value == pytest.approx(200 / 3)
    assert measurement.note["params"] == {"with": "2", "total": "3"}
    assert c.listings.count() == 0


def test_integration_rate_ignores_delisted_products_and_inactive_msmes(category):
    a, b = make_msme(1), make_msme(2)
    make_msme(3, status="inactive")
    listing_save(msme=a, product_name="X", category=category, price=1, listed_on=date(2023, 1, 5))
    listing_save(
        msme=b, product_name="Y", category=category, price=1, listed_on=date(2023, 1, 5), delisted_on=date(2023, 6, 1)
    )
    assert indicators.integration_rate(Period(2023, 5)).value == pytest.approx(100)
    assert indicators.integration_rate(Period(2023)).value == pytest.approx(50)
    assert indicators.active_listings(Period(2023)).value == 1
    assert indicators.active_listings(Period(2023, 5)).value == 2


def test_registered_stock_and_new_registrations(reference_data):
    make_msme(1, registered_on=date(2020, 5, 1))
    make_msme(2, registered_on=date(2021, 2, 1))
    make_msme(3, registered_on=date(2021, 3, 1), status="closed")
    assert indicators.new_registrations(Period(2021)).value == 2
    assert indicators.registered_stock(Period(2021)).value == 2  # the closed one is not in the stock
    assert indicators.registered_stock(Period(2020)).value == 1
    columns, rows = indicators.new_registrations_breakdown(Period(2021))
    assert len(rows) == 6 and dict(rows)["Balikpapan Timur"] == 2


def test_training_indicators(category):
    training = training_save(
        title="Digitalisasi", starts_on=date(2023, 12, 20), ends_on=date(2023, 12, 21), quota=4, follow_up_days=30
    )
    msmes = [make_msme(n) for n in range(1, 4)]
    participants = [training_apply(training=training, msme=m) for m in msmes]
    training_run_selection(training=training)
    participant_record(participant=participants[0], attended=True)
    participant_record(participant=participants[1], attended=True)
    participant_record(participant=participants[0], qris_adopted_on=date(2024, 1, 10))
    listing_save(msme=msmes[1], product_name="late", category=category, price=1, listed_on=date(2024, 3, 1))
    assert indicators.trainings_held(Period(2023, 12)).value == 1
    assert indicators.quota_fill(Period(2023)).value == pytest.approx(75)
    assert indicators.training_coverage(Period(2023)).value == pytest.approx(200 / 3)
    assert indicators.post_training_adoption(Period(2023)).value == pytest.approx(50)  # the listing came too late


def test_outlet_sales_and_payout_timeliness(reference_data):
    a, b = make_msme(1), make_msme(2)
    pa = outlet_product_save(msme=a, name="Amplang", unit_price=Decimal(20000), commission_percent=Decimal(10))
    pb = outlet_product_save(msme=b, name="Kopi", unit_price=Decimal(50000), commission_percent=Decimal(10))
    for product in (pa, pb):
        outlet_movement_record(product=product, kind="intake", quantity=10, on=date(2024, 3, 1))
        outlet_movement_record(product=product, kind="sale", quantity=2, on=date(2024, 3, 15))
    outlet_payout_record(
        msme=a, month=date(2024, 3, 1), amount=Decimal(36000), paid_on=date(2024, 4, 8), method="qris", reference="R1"
    )
    outlet_payout_record(
        msme=b, month=date(2024, 3, 1), amount=Decimal(90000), paid_on=date(2024, 4, 20), method="qris", reference="R2"
    )
    assert indicators.outlet_sales(Period(2024, 3)).value == 140000
    assert indicators.payout_timeliness(Period(2024, 3)).value == pytest.approx(50)


def test_every_indicator_is_registered_with_a_definition():
    codes = [
        "registered_stock", "new_registrations", "integration_rate", "active_listings", "trainings_held", "quota_fill",
        "training_coverage", "post_training_adoption", "outlet_sales", "payout_timeliness",
    ]  # fmt: skip
    for code in codes:
        indicator = get_indicator(f"msme.{code}")
        assert str(indicator.definition) and str(indicator.formula)
    assert "products" in str(get_indicator("msme.integration_rate").definition)
