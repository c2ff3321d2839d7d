"""The e-parking public dataset on the hand-made transactions of test_indicators (March 2025):
  BSB:       paid 2 (1 e-money), cashless attempts 1 paid + 2 failed -> share 50 %, failure 2/3 = 66,67 %.
  SEPINGGAN: paid 4 (3 QRIS), cashless attempts 3 paid + 1 failed (the voided one is no attempt) -> 75 %, 25 %.
The locations added up give the indicators: share 4/6, failure 3/7."""

import pytest

from analytics.registry import Period
from cashless import indicators
from smarteconomy.testing_datasets import assert_metadata_complete, dataset, rows_of

from .test_indicators import data  # noqa: F401 - the fixture of the hand-made transactions

pytestmark = pytest.mark.django_db

CODE = "cashless-parking-by-location"


def test_share_and_failure_rate_by_location_equal_the_hand_computed_figures_and_the_indicators(data):  # noqa: F811
    rows = rows_of(dataset(CODE))
    assert [
        (
            r["month"],
            r["location_code"],
            r["paid_transactions"],
            r["paid_cashless"],
            r["cashless_share_percent"],
            r["cashless_attempts"],
            r["cashless_failed"],
            r["failure_rate_percent"],
        )
        for r in rows
    ] == [
        ("2025-03", "BSB", 2, 1, 50.0, 3, 2, 66.67),
        ("2025-03", "SEPINGGAN", 4, 3, 75.0, 4, 1, 25.0),
    ]
    assert rows[1]["location_name"] == "Bandara Sepinggan"
    march = Period(2025, 3)
    paid, cashless = sum(r["paid_transactions"] for r in rows), sum(r["paid_cashless"] for r in rows)
    assert cashless / paid * 100 == pytest.approx(indicators.cashless_share(march).value)
    attempts, failed = sum(r["cashless_attempts"] for r in rows), sum(r["cashless_failed"] for r in rows)
    assert failed / attempts * 100 == pytest.approx(indicators.failure_rate(march).value)


def test_metadata_is_complete(data):  # noqa: F811
    data_set = dataset(CODE)
    assert data_set.producer == "parking_operator"
    assert_metadata_complete(data_set)
    assert data_set.period_covered() == ("2025-03", "2025-03")
