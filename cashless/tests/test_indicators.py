"""The four cashless indicators on hand-made transactions, with hand-computed values.

March 2025, SEPINGGAN: paid 3 QRIS (5.000 each) + 1 cash (4.000), failed 1 QRIS, voided 1 e-money.
           BSB:       paid 1 e-money (6.000) + 1 cash (2.000), failed 2 e-money.
Paid 6, of which cashless 4 -> share 66,7 %. Cashless attempts: paid 4 + failed 3 = 7, failed 3 -> 42,9 %.
Revenue 15.000 + 4.000 + 6.000 + 2.000 = 27.000. Transactions per day: 6 / 31.
SEPINGGAN alone: share 3/4 = 75 %; BSB: 1/2 = 50 %."""

import pytest

from analytics import registry
from analytics.models import IndicatorSnapshot
from analytics.registry import Period
from analytics.scorecard import indicators_recompute
from cashless.services import parking_transactions_import

from .factories import csv_of, make_location, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    airport, mall = make_location(), make_location("BSB", "Balikpapan Superblock")
    parking_transactions_import(
        location=airport,
        data=csv_of(
            row("S1", amount="5000"),
            row("S2", amount="5000"),
            row("S3", amount="5000"),
            row("S4", method="cash", issuer="", amount="4000"),
            row("S5", status="failed", reason="network timeout", amount="5000"),
            row("S6", method="emoney", status="voided", amount="0"),
        ),
        filename="s.csv",
        user=None,
    )
    parking_transactions_import(
        location=mall,
        data=csv_of(
            row("B1", method="emoney", amount="6000"),
            row("B2", method="cash", amount="2000"),
            row("B3", method="emoney", status="failed", reason="card read error"),
            row(
                "B4", method="emoney", status="failed", reason="network timeout", entry="2025-03-20T08:00:00", exit_=""
            ),
        ),
        filename="b.csv",
        user=None,
    )


def value(code, period="2025-03"):
    return registry.get_indicator(code).compute(Period.parse(period))


def test_the_four_indicators_with_hand_computed_values(data):
    assert value("cashless.cashless_share").value == pytest.approx(4 / 6 * 100)
    assert value("cashless.failure_rate").value == pytest.approx(3 / 7 * 100)
    assert value("cashless.parking_revenue").value == 27_000
    assert value("cashless.transactions_per_day").value == pytest.approx(6 / 31)
    assert value("cashless.cashless_share", "2025").value == pytest.approx(4 / 6 * 100)  # recomputed, not averaged
    assert value("cashless.cashless_share", "2025-04").value is None


def test_the_breakdown_gives_each_location_and_missing_days_make_it_incomplete(data):
    columns, rows = registry.get_indicator("cashless.cashless_share").breakdown(Period.parse("2025-03"))
    assert rows == [["BSB", "50,0"], ["SEPINGGAN", "75,0"]]  # Indonesian numbers, like every figure on the page
    _columns, revenue = registry.get_indicator("cashless.parking_revenue").breakdown(Period.parse("2025-03"))
    assert [cells[1] for cells in revenue] == ["8.000", "19.000"]
    measurement = value("cashless.cashless_share")
    assert not measurement.complete  # one or two days of logs in a 31-day month
    assert measurement.inputs[1]["name"]["params"] == {"location": "SEPINGGAN"}


def test_the_nightly_recompute_stores_snapshots_from_the_summaries(data):
    indicators_recompute(full=True)
    snapshot = IndicatorSnapshot.objects.get(indicator_code="cashless.parking_revenue", period="2025-03")
    assert float(snapshot.value) == 27_000


def test_per_day_counts_complete_days_only_in_the_indicator_and_on_the_summary_page(monkeypatch, client, role_users):
    """Issue 14: on 4 March before any upload of the day, March's mean is divided by 3 complete days, not by 4;
    today's early transactions wait until the day is over. The summary page gives the same figure (it divided by
    the days with transactions)."""
    from datetime import datetime

    from django.urls import reverse
    from django.utils import timezone

    airport = make_location()
    lines = [row(f"D{day}-{n}", entry=f"2025-03-0{day}T09:0{n}:00+08:00", exit_="") for day in (1, 3) for n in range(5)]
    lines += [row("D2-0", entry="2025-03-02T09:00:00+08:00", exit_="")]  # a quiet day: 1 transaction
    parking_transactions_import(location=airport, data=csv_of(*lines), filename="m.csv", user=None)
    monkeypatch.setattr(timezone, "now", lambda: timezone.make_aware(datetime(2025, 3, 4, 7, 30)))
    measurement = value("cashless.transactions_per_day")
    assert measurement.value == pytest.approx(11 / 3)
    assert measurement.note["params"] == {"paid": "11", "days": 3}
    parking_transactions_import(  # the first transactions of today: not counted until the day is over
        location=airport,
        data=csv_of(row("D4-0", entry="2025-03-04T07:00:00+08:00", exit_="")),
        filename="t.csv",
        user=None,
    )
    assert value("cashless.transactions_per_day").value == pytest.approx(11 / 3)
    client.force_login(role_users["bappeda"])
    page = client.get(reverse("cashless:summary"), {"from": "2025-03-01", "to": "2025-03-04"})
    assert page.context["totals"]["per_day"] == pytest.approx(11 / 3)
    assert page.context["totals"]["complete_days"] == 3
    monkeypatch.setattr(timezone, "now", lambda: timezone.make_aware(datetime(2025, 3, 5, 7, 30)))
    assert value("cashless.transactions_per_day").value == pytest.approx(12 / 4)  # 4 March is over now
