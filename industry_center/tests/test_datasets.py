"""The industry centre's public dataset on the hand-made centre of test_indicators: 4 houses, A and B let at the
end of March 2025 (C left on 20/03); March bills 100.000 + 100.000 + 200.000, paid 100.000 (QRIS) + 50.000 (cash)."""

import pytest

from analytics.registry import Period
from industry_center import indicators
from smarteconomy.testing_datasets import assert_metadata_complete, dataset, rows_of

from .test_indicators import centre  # noqa: F401 - the fixture of the hand-made centre

pytestmark = pytest.mark.django_db

CODE = "industry-center-occupancy-and-levy"


def test_occupancy_and_levy_by_month_equal_the_hand_computed_figures_and_the_indicators(centre):  # noqa: F811
    rows = {r["month"]: r for r in rows_of(dataset(CODE))}
    assert rows["2025-03"] == {
        "month": "2025-03",
        "houses_in_use": 4,
        "houses_let": 2,
        "occupancy_percent": 50.0,
        "bills": 3,
        "levy_billed": 400_000.0,
        "levy_collected": 150_000.0,
        "collection_rate_percent": 37.5,
        "payments_received": 150_000.0,
        "payments_by_qris": 100_000.0,
        "cashless_share_percent": 66.67,  # 100.000 of 150.000
    }
    march = Period(2025, 3)
    assert rows["2025-03"]["occupancy_percent"] == indicators.occupancy(march).value
    assert rows["2025-03"]["collection_rate_percent"] == indicators.collection_rate(march).value
    assert rows["2025-03"]["cashless_share_percent"] == round(indicators.cashless_share(march).value, 2)
    # April: no bill issued and nothing paid: no rate (never a 0 that means "no data").
    april = rows["2025-04"]
    assert (april["bills"], april["collection_rate_percent"], april["cashless_share_percent"]) == (0, None, None)
    assert april["houses_let"] == 2
    assert "Siti Aminah" not in str(rows) and "Tempe" not in str(rows)


def test_metadata_is_complete(centre):  # noqa: F811
    data = dataset(CODE)
    assert data.producer == "dkumkmp"
    assert_metadata_complete(data)
    assert data.period_covered()[0] == "2025-03"
