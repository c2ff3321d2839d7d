"""Data completeness (issue 14): a source that stopped reporting is not complete, and a period in progress is said
once, correctly, on the completeness page."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from analytics.choices import SnapshotStatus
from analytics.models import IndicatorSnapshot
from analytics.scorecard import indicators_recompute
from msme.choices import OutletMovementKind
from msme.services import outlet_movement_record, outlet_product_save, training_save
from msme.tests.factories import make_msme

TODAY = (2026, 12, 4, 10)  # 4 December 2026, 10.00 WITA


@pytest.fixture
def stopped_sources(reference_data, monkeypatch):
    """The trainings' last data is December 2023, the outlet's June 2025; the registry reports every month."""
    monkeypatch.setattr(timezone, "now", lambda: timezone.make_aware(datetime(*TODAY)))
    training_save(title="Digitalisasi", starts_on=date(2023, 12, 20), ends_on=date(2023, 12, 21), quota=10)
    msme = make_msme(1, registered_on=date(2023, 1, 5))
    for month in range(1, 13):  # registrations up to this month: the registry is not stale
        make_msme(10 + month, registered_on=date(2026, month, 2))
    product = outlet_product_save(msme=msme, name="Amplang", unit_price=Decimal(20000), commission_percent=10)
    outlet_movement_record(product=product, kind=OutletMovementKind.INTAKE, quantity=100, on=date(2025, 1, 2))
    for month in range(1, 7):
        outlet_movement_record(product=product, kind=OutletMovementKind.SALE, quantity=2, on=date(2025, month, 10))
    indicators_recompute(full=True)


def snapshot(code, period):
    return IndicatorSnapshot.objects.get(indicator_code=code, period=period)


def missing(code, period):
    return [
        (item["name"]["message"], item["detail"])
        for item in snapshot(code, period).completeness["inputs"]
        if not item["present"]
    ]


def test_a_source_that_stopped_reporting_is_not_complete(stopped_sources):
    # The trainings' own month is complete; the months after it are not: the last ended month and the month in
    # progress are there, as not reported (before, the scorecard's latest was 2023-12 with "1/1").
    assert snapshot("msme.trainings_held", "2023-12").completeness["present"] == 1
    november = snapshot("msme.trainings_held", "2026-11")
    assert november.status == SnapshotStatus.INCOMPLETE
    assert (november.completeness["present"], november.completeness["expected"]) == (1, 2)
    assert missing("msme.trainings_held", "2026-11") == [
        ("Data for %(period)s", {"message": "not reported since %(last)s", "params": {"last": "2023-12"}})
    ]
    assert november.value is None  # nothing reported: no value, not a zero
    assert snapshot("msme.trainings_held", "2026").status == SnapshotStatus.INCOMPLETE
    # The outlet stopped in June 2025: its year 2025 is incomplete, its months with data are complete.
    assert snapshot("msme.outlet_sales", "2025-06").status != SnapshotStatus.INCOMPLETE
    assert ("Data for %(period)s", {"message": "not reported since %(last)s", "params": {"last": "2025-06"}}) in (
        missing("msme.outlet_sales", "2025")
    )
    assert snapshot("msme.outlet_sales", "2026-11").status == SnapshotStatus.INCOMPLETE
    assert snapshot("msme.outlet_sales", "2025").value == 12 * 20000  # what was reported, flagged incomplete
    # A source with this month's data: nothing is missing but the period in progress.
    assert missing("msme.new_registrations", "2026-11") == []
    assert [name for name, _detail in missing("msme.new_registrations", "2026-12")] == [
        "Period %(period)s is in progress"
    ]


def test_the_scorecard_shows_the_stopped_source_as_incomplete(stopped_sources, client, role_users):
    client.force_login(role_users["bappeda"])
    rows = {
        row["indicator"].code: row
        for pillar in client.get(reverse("analytics:scorecard")).context["pillars"]
        for row in pillar["rows"]
    }
    latest = rows["msme.trainings_held"]["latest"]
    assert (latest.period, latest.status) == ("2026-11", SnapshotStatus.INCOMPLETE)
    assert rows["msme.outlet_sales"]["latest"].status == SnapshotStatus.INCOMPLETE


def test_the_completeness_page_says_once_that_a_period_is_in_progress(stopped_sources, client, role_users):
    client.force_login(role_users["bappeda"])
    with translation.override("id"):
        page = client.get(reverse("analytics:completeness"), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "sudah berakhir" not in page and "masih berjalan" not in page  # "has ended (in progress)"
    assert page.count("sedang berjalan") == 1
    assert "Periode yang sedang berjalan: 2026, 2026-12." in page
    assert "tidak dilaporkan sejak 2023-12" in page
    assert "tidak dilaporkan sejak 2025-06" in page


def test_the_completeness_page_lists_no_row_that_only_waits_for_its_period_to_end(stopped_sources, client, role_users):
    """Rows of the month in progress with nothing arrived and nothing missing ("- -") stood under the offices'
    headings as if something were missing; the banner above the tables already says the period is in progress."""
    client.force_login(role_users["bappeda"])
    with translation.override("id"):
        response = client.get(reverse("analytics:completeness"), HTTP_ACCEPT_LANGUAGE="id")
    rows = [row for office in response.context["offices"] for row in office["rows"]]
    assert rows, "the page lists the indicators' inputs"
    assert all(row["expected"] > 0 for row in rows)
    assert "Periode yang sedang berjalan: 2026, 2026-12." in response.content.decode()
