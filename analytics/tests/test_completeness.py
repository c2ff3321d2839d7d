"""Completeness follows the reporting calendar (issue 15, smarteconomy.sources): for every indicator period, the
periods its sources were expected to report (from each source's or part's start to its end, the administrators'
schedule respected, a period in progress not yet expected) against what arrived. A source that stopped reporting is
"tidak dilaporkan" on the scorecard and the completeness page, never complete; a source that started late, or a
parking location added later, does not make the past incomplete."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from analytics import registry
from analytics.choices import SnapshotStatus
from analytics.models import IndicatorSnapshot
from analytics.scorecard import calendar_inputs, indicators_recompute
from cashless.choices import PaymentMethod, TransactionStatus, VehicleClass
from cashless.models import DailySummary
from cashless.tests.factories import make_location
from msme.choices import OutletMovementKind
from msme.services import outlet_movement_record, outlet_product_save, training_save
from msme.tests.factories import make_msme
from smarteconomy.models import SourceSchedule
from smarteconomy.reporting import period_return, period_submit
from smarteconomy.sources import all_sources, sources_feeding

TODAY = (2026, 12, 4, 10)  # 4 December 2026, 10.00 WITA
NOT_REPORTED = "not reported: %(periods)s"
AWAITED = "not arrived yet, due on %(due)s"


def at(monkeypatch, *moment):
    monkeypatch.setattr(timezone, "now", lambda: timezone.make_aware(datetime(*moment)))


@pytest.fixture
def today(monkeypatch):
    at(monkeypatch, *TODAY)


@pytest.fixture
def stopped_sources(reference_data, today):
    """The trainings' last data is December 2023, the outlet's June 2025; the registry reports every month of 2026
    (and once in January 2023)."""
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
    """The missing inputs of a snapshot as (message, detail message, detail params)."""
    return [
        (item["name"]["message"], (item["detail"] or {}).get("message"), (item["detail"] or {}).get("params"))
        for item in snapshot(code, period).completeness["inputs"]
        if not item["present"]
    ]


def page(client, user):
    client.force_login(user)
    with translation.override("id"):
        response = client.get(reverse("analytics:completeness"), HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 200
    return response


def source_row(response, code):
    return next(row for row in response.context["sources"] if row["source"].code == code)


def test_every_indicator_is_fed_by_a_declared_source_and_every_feed_is_an_indicator():
    codes = {indicator.code for indicator in registry.all_indicators()}
    assert {code for source in all_sources() for code in source.feeds} == codes
    assert [s.code for s in sources_feeding("msme.integration_rate")] == ["msme.listings", "msme.registry"]


def test_a_source_that_stopped_reporting_is_not_reported_never_complete(stopped_sources):
    # The trainings' own month is complete; October, past its due day (10 November), is not reported, and so is
    # every month since 2024 in the year 2026; November, due on 10 December, is awaited.
    assert snapshot("msme.trainings_held", "2023-12").status != SnapshotStatus.INCOMPLETE
    october = snapshot("msme.trainings_held", "2026-10")
    assert october.status == SnapshotStatus.INCOMPLETE
    assert october.value is None  # nothing reported at all: no value, not a zero
    assert missing("msme.trainings_held", "2026-10") == [("Data of %(source)s", NOT_REPORTED, {"periods": "2026-10"})]
    assert missing("msme.trainings_held", "2026-11") == [("Data of %(source)s", AWAITED, {"due": "2026-12-10"})]
    year = missing("msme.trainings_held", "2026")
    assert ("Data of %(source)s", NOT_REPORTED, {"periods": ", ".join(f"2026-{m:02d}" for m in range(1, 11))}) in year
    assert snapshot("msme.trainings_held", "2026").status == SnapshotStatus.INCOMPLETE
    # The outlet stopped in June 2025: its year 2025 is incomplete, its months with data are complete.
    assert snapshot("msme.outlet_sales", "2025-06").status != SnapshotStatus.INCOMPLETE
    assert (
        "Data of %(source)s",
        NOT_REPORTED,
        {"periods": "2025-07, 2025-08, 2025-09, 2025-10, 2025-11, 2025-12"},
    ) in missing("msme.outlet_sales", "2025")
    assert snapshot("msme.outlet_sales", "2025").value == 12 * 20000  # what was reported, flagged incomplete
    assert snapshot("msme.outlet_sales", "2026-10").status == SnapshotStatus.INCOMPLETE
    # A source with this month's data: nothing is missing but the period in progress.
    assert missing("msme.new_registrations", "2026-11") == []
    assert [name for name, _detail, _params in missing("msme.new_registrations", "2026-12")] == [
        "Period %(period)s is in progress"
    ]


def test_the_scorecard_and_the_completeness_page_show_the_stopped_source(stopped_sources, client, role_users):
    client.force_login(role_users["bappeda"])
    rows = {
        row["indicator"].code: row
        for pillar in client.get(reverse("analytics:scorecard")).context["pillars"]
        for row in pillar["rows"]
    }
    latest = rows["msme.trainings_held"]["latest"]
    assert (latest.period, latest.status) == ("2026-11", SnapshotStatus.INCOMPLETE)
    assert rows["msme.outlet_sales"]["latest"].status == SnapshotStatus.INCOMPLETE

    response = page(client, role_users["bappeda"])
    html = response.content.decode()
    assert "tidak dilaporkan: 2026-10" in html  # the trainings' October, on its indicator's row
    outlet = source_row(response, "msme.outlet")
    # Expected from January 2025 (its start) to November 2026: 23 months; none submitted; July 2025 to October
    # 2026 past due without data (16); November awaited.
    assert (outlet["expected"], outlet["received"], outlet["on_time"], outlet["not_reported"]) == (23, 0, 0, 16)
    assert (outlet["completeness"], outlet["timeliness"]) == ("0,0%", "0,0%")
    states = {item["period"]: item["state"] for item in outlet["missing"]}
    assert states["2025-07"] == "not_reported" and states["2026-11"] == "awaited"
    assert states["2025-06"] == "not_submitted"  # data arrived, the office has not submitted it
    assert "2024-12" not in states  # before the outlet's start: never expected


def test_the_completeness_page_says_once_that_a_period_is_in_progress(stopped_sources, client, role_users):
    html = page(client, role_users["bappeda"]).content.decode()
    assert "sudah berakhir" not in html and "masih berjalan" not in html  # "has ended (in progress)"
    assert "Periode yang sedang berjalan: 2026, 2026-12." in html


def test_an_office_sees_its_own_sources_bappeda_all(stopped_sources, client, role_users):
    offices = {row["source"].office for row in page(client, role_users["dkumkmp"]).context["sources"]}
    assert offices == {"dkumkmp"}
    everything = {row["source"].code for row in page(client, role_users["bappeda"]).context["sources"]}
    assert {"licensing.applications", "msme.outlet", "analytics.grdp"} <= everything


def test_a_source_that_started_late_does_not_make_the_past_incomplete(stopped_sources, client, role_users):
    # The registry is declared from January 2023, but this office began registering here in January 2026.
    months = ", ".join(f"2023-{m:02d}" for m in range(2, 13))
    assert ("Data of %(source)s", NOT_REPORTED, {"periods": months}) in missing("msme.new_registrations", "2023")
    SourceSchedule.objects.create(source="msme.registry", start=date(2026, 1, 1), note="started with the app")
    indicators_recompute()  # the incremental run: the new schedule makes its years dirty
    registrations_2023 = snapshot("msme.new_registrations", "2023")
    assert not [item for item in registrations_2023.completeness["inputs"] if not item["present"]]
    assert registrations_2023.status != SnapshotStatus.INCOMPLETE
    assert missing("msme.new_registrations", "2026-05") == []
    row = source_row(page(client, role_users["bappeda"]), "msme.registry")
    assert row["start"] == date(2026, 1, 1)
    assert (row["expected"], row["not_reported"]) == (11, 0)  # January to November 2026, all with data
    # The trainings started late by declaration (December 2023): nothing before is expected of them.
    trainings = next(s for s in all_sources() if s.code == "msme.trainings")
    assert calendar_inputs(registry.get_indicator("msme.trainings_held"), registry.Period(2023, 6)) == []
    assert trainings.start == date(2023, 12, 1)


def test_a_source_that_ended_expects_nothing_after_its_end(stopped_sources):
    SourceSchedule.objects.create(source="msme.outlet", start=date(2025, 1, 1), end=date(2025, 6, 30))
    indicators_recompute()
    assert snapshot("msme.outlet_sales", "2025").status != SnapshotStatus.INCOMPLETE
    assert calendar_inputs(registry.get_indicator("msme.outlet_sales"), registry.Period(2026, 10)) == []


def _log_days(location, first, last):
    day, rows = first, []
    while day <= last:
        rows.append(
            DailySummary(
                location=location,
                business_date=day,
                hour=9,
                payment_method=PaymentMethod.values[0],
                vehicle_class=VehicleClass.values[0],
                status=TransactionStatus.values[0],
                count=3,
                amount=15000,
            )
        )
        day += timedelta(days=1)
    DailySummary.objects.bulk_create(rows)


def test_a_parking_location_added_later_does_not_make_the_past_incomplete(db, today, client, role_users):
    airport = make_location()
    airport.reporting_since = date(2026, 1, 1)
    airport.save()
    mall = make_location(code="BSB", name="Balikpapan Superblock", operator="PT BSB")
    mall.reporting_since = date(2026, 11, 15)
    mall.save()
    _log_days(airport, date(2026, 1, 1), date(2026, 11, 30))
    revenue = registry.get_indicator("cashless.parking_revenue")
    with registry.shared_computations():
        assert calendar_inputs(revenue, registry.Period(2026, 6)) == []  # the mall was not expected in June
        november = calendar_inputs(revenue, registry.Period(2026, 11))
    # The mall's November (its 16 days) has not arrived and is due on 10 December: awaited, named by location.
    assert [(item["name"]["params"]["source"]["params"]["part"], item["detail"]["message"]) for item in november] == [
        ("Balikpapan Superblock", AWAITED)
    ]
    row = source_row(page(client, role_users["bappeda"]), "cashless.parking")
    assert row["expected"] == 334 + 16  # days: the airport's January to November, the mall's from 15 November
    assert [item["period"] for item in row["missing"]] == [
        "2026-11 (Balikpapan Superblock)",
        "2026-11 (Bandara Sepinggan)",
        *[f"2026-{m:02d} (Bandara Sepinggan)" for m in range(10, 0, -1)],
    ]


def test_timeliness_counts_the_submissions_made_by_the_due_day(stopped_sources, monkeypatch, client, role_users):
    dkumkmp = role_users["dkumkmp"]
    at(monkeypatch, 2026, 10, 5, 9)  # before 10 October: September on time
    period_submit(source="msme.registry", period="2026-09", by=dkumkmp)
    at(monkeypatch, 2026, 11, 20, 9)  # after 10 November: October late
    period_submit(source="msme.registry", period="2026-10", by=dkumkmp)
    at(monkeypatch, *TODAY)
    SourceSchedule.objects.create(source="msme.registry", start=date(2026, 1, 1))
    row = source_row(page(client, role_users["dkumkmp"]), "msme.registry")
    assert (row["expected"], row["received"], row["on_time"], row["not_reported"]) == (11, 2, 1, 0)
    assert (row["completeness"], row["timeliness"]) == ("18,2%", "9,1%")  # 2/11 and 1/11, one decimal


def test_a_returned_period_says_so_on_the_completeness_page(stopped_sources, client, role_users):
    period_submit(source="msme.outlet", period="2026-10", by=role_users["dkumkmp"])
    period_return(source="msme.outlet", period="2026-10", by=role_users["bappeda"], reason="Penjualan belum lengkap.")
    row = source_row(page(client, role_users["bappeda"]), "msme.outlet")
    assert {item["period"]: item["state"] for item in row["missing"]}["2026-10"] == "returned"
    assert (row["received"], row["not_reported"]) == (0, 16)  # a returned period, empty and past due: not reported


def test_a_submission_without_data_is_received_not_missing(stopped_sources, role_users):
    """An office may submit a period with nothing to report: it is received, not "tidak dilaporkan"."""
    period_submit(source="msme.trainings", period="2026-10", by=role_users["dkumkmp"])
    indicators_recompute()  # the submission makes the trainings' October dirty
    assert missing("msme.trainings_held", "2026-10") == []


def test_the_calendar_is_read_once_per_recompute_run(stopped_sources, django_assert_num_queries):
    outlet_sales = registry.get_indicator("msme.outlet_sales")
    months = [registry.Period(year, month) for year in (2025, 2026) for month in range(1, 13)]
    with registry.shared_computations():
        calendar_inputs(outlet_sales, months[0])  # reads the calendar of every source once
        with django_assert_num_queries(0):
            for indicator in registry.all_indicators():
                for period in months:
                    calendar_inputs(indicator, period)
