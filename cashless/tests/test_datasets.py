"""The e-parking public dataset on the hand-made transactions of test_indicators (March 2025):
  BSB:       paid 2 (1 e-money), cashless attempts 1 paid + 2 failed -> share 50 %, failure 2/3 = 66,67 %.
  SEPINGGAN: paid 4 (3 QRIS), cashless attempts 3 paid + 1 failed (the voided one is no attempt) -> 75 %, 25 %.
Rates only: the operators' transaction counts are not published (each would learn the other's)."""

import pytest

from analytics.registry import Period
from cashless import indicators
from cashless.models import ParkingLocation
from smarteconomy.testing_datasets import assert_metadata_complete, dataset, rows_of

from .test_indicators import data  # noqa: F401 - the fixture of the hand-made transactions

pytestmark = pytest.mark.django_db

CODE = "cashless-parking-by-location"


def test_share_and_failure_rate_by_location_equal_the_hand_computed_figures_and_the_indicators(data):  # noqa: F811
    rows = rows_of(dataset(CODE))
    assert rows == [
        {
            "month": "2025-03",
            "location_code": "BSB",
            "location_name": "Balikpapan Superblock",
            "cashless_share_percent": 50.0,
            "failure_rate_percent": 66.67,
        },
        {
            "month": "2025-03",
            "location_code": "SEPINGGAN",
            "location_name": "Bandara Sepinggan",
            "cashless_share_percent": 75.0,
            "failure_rate_percent": 25.0,
        },
    ]
    march = Period(2025, 3)
    for row in rows:
        location = ParkingLocation.objects.get(code=row["location_code"])
        totals = indicators._totals(march, [location])  # the indicators' figures of the one location
        assert row["cashless_share_percent"] == round(totals["cashless_share"], 2)
        assert row["failure_rate_percent"] == round(totals["failure_rate"], 2)


def test_metadata_is_complete(data):  # noqa: F811
    declared = dataset(CODE)
    assert declared.producer == "parking_operator"
    assert_metadata_complete(declared)
    assert declared.period_covered() == ("2025-03", "2025-03")
