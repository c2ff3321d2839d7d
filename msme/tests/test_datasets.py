"""DKUMKMP's public datasets on hand-made MSMEs, listings and a training, with the figures worked out by hand; a
count of 1 or 2 MSMEs in a kecamatan is published as "<3"."""

from datetime import date
from decimal import Decimal

import pytest

from analytics.registry import Period
from msme import indicators
from msme.models import MarketplaceCategory
from msme.selectors import msme_count_by_district
from msme.services import listing_save, participant_record, training_apply, training_run_selection, training_save
from opendata.registry import SUPPRESSED
from smarteconomy.testing_datasets import assert_metadata_complete, assert_nothing_personal, dataset, rows_of

from .factories import kelurahan, make_msme

pytestmark = pytest.mark.django_db

CODES = ("msme-registrations-by-kecamatan", "msme-active-listings-by-category", "msme-trainings-and-outcomes")
TIMUR, BARAT, UTARA = "64.71.01.1001", "64.71.02.1001", "64.71.03.1001"


@pytest.fixture
def registry_data(reference_data):
    """2022: Balikpapan Timur 1, Balikpapan Barat 2, kecamatan 64.71.03 3; 2023: Balikpapan Timur 4."""
    n = 0
    for code, year, count in ((TIMUR, 2022, 1), (BARAT, 2022, 2), (UTARA, 2022, 3), (TIMUR, 2023, 4)):
        for _ in range(count):
            n += 1
            make_msme(n, kelurahan=kelurahan(code), registered_on=date(year, 5, 1), phone="081234567890")


def test_registrations_by_kecamatan_suppress_one_and_two(registry_data):
    rows = rows_of(dataset("msme-registrations-by-kecamatan"))
    cells = {(r["year"], r["kecamatan_code"]): r["new_registrations"] for r in rows}
    assert len(rows) == 2 * 6  # every kecamatan in every year, 0 included
    assert cells[(2022, "64.71.01")] == SUPPRESSED == "<3"
    assert cells[(2022, "64.71.02")] == "<3"
    assert cells[(2022, "64.71.03")] == 3
    assert cells[(2023, "64.71.01")] == 4
    assert cells[(2023, "64.71.02")] == 0  # a true zero is not suppressed
    assert {r["kecamatan_name"] for r in rows if r["kecamatan_code"] == "64.71.01"} == {"Balikpapan Timur"}
    # The unsuppressed cells are the registrations report's and the indicator's breakdown.
    report = msme_count_by_district(start=2022, end=2023)
    assert report.totals == [6, 4]
    assert indicators.new_registrations(Period(2022)).value == 6
    _columns, breakdown = indicators.new_registrations_breakdown(Period(2023))
    assert dict(breakdown)["Balikpapan Timur"] == cells[(2023, "64.71.01")]


@pytest.fixture
def marketplace(reference_data):
    food = MarketplaceCategory.objects.create(code="makanan", name="Makanan")
    craft = MarketplaceCategory.objects.create(code="kerajinan", name="Kerajinan")
    a, b = make_msme(1), make_msme(2)
    listing_save(msme=a, product_name="Amplang", category=food, price=Decimal(1), listed_on=date(2023, 1, 5))
    listing_save(
        msme=a,
        product_name="Kerupuk",
        category=food,
        price=Decimal(1),
        listed_on=date(2023, 1, 6),
        delisted_on=date(2023, 2, 10),
    )
    listing_save(msme=b, product_name="Tas", category=craft, price=Decimal(1), listed_on=date(2023, 2, 1))


def test_active_listings_by_category_and_month(marketplace):
    rows = rows_of(dataset("msme-active-listings-by-category"))
    cells = {(r["month"], r["category_code"]): r["active_listings"] for r in rows}
    assert cells[("2023-01", "makanan")] == 2 and cells[("2023-01", "kerajinan")] == 0
    assert cells[("2023-02", "makanan")] == 1 and cells[("2023-02", "kerajinan")] == 1  # delisted on 10/02
    for month in ("2023-01", "2023-02", "2023-03"):
        total = sum(count for (m, _code), count in cells.items() if m == month)
        assert total == indicators.active_listings(Period.parse(month)).value


@pytest.fixture
def training(reference_data):
    """Quota 4, 3 applicants selected, 2 attended; one adopted QRIS 20 days after, the other listed too late."""
    category, _created = MarketplaceCategory.objects.get_or_create(code="makanan", defaults={"name": "Makanan"})
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


def test_trainings_and_outcomes_per_month_equal_the_hand_computed_figures_and_the_indicators(training):
    rows = rows_of(dataset("msme-trainings-and-outcomes"))
    assert rows == [
        {
            "month": "2023-12",
            "trainings_held": 1,
            "quota": 4,
            "participants_selected": 3,
            "quota_fill_percent": 75.0,
            "attendees": 2,
            "adopted": 1,
            "adoption_percent": 50.0,
            "follow_up_closed": True,
        }
    ]
    december = Period(2023, 12)
    assert rows[0]["trainings_held"] == indicators.trainings_held(december).value
    assert rows[0]["quota_fill_percent"] == indicators.quota_fill(december).value
    assert rows[0]["adoption_percent"] == indicators.post_training_adoption(december).value


def test_the_scanner_finds_an_nik_and_a_phone_number():
    with pytest.raises(AssertionError, match="16 digits"):
        assert_nothing_personal(["kecamatan_code"], [{"kecamatan_code": "6471011203900001"}])
    with pytest.raises(AssertionError, match="phone"):
        assert_nothing_personal(["note"], [{"note": "hubungi +62 812-3456-7890"}])
    with pytest.raises(AssertionError, match="looks personal"):
        assert_nothing_personal(["owner_nik"], [])


def test_metadata_is_complete(registry_data, marketplace, training):
    for code in CODES:
        data = dataset(code)
        assert data.producer == "dkumkmp"
        assert_metadata_complete(data)
    assert dataset(CODES[0]).period_covered() == ("2022", "2023")
    assert [c.key for c in dataset(CODES[0]).columns if c.suppress] == ["new_registrations"]
