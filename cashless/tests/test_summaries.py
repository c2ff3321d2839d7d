"""Daily summaries equal a direct GROUP BY of the raw log, however the log was built up (property test),
and the incremental rebuild touches only dirty dates."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cashless.choices import PaymentMethod, TransactionStatus, VehicleClass
from cashless.ingest import mark_dates_dirty
from cashless.models import DailySummary, DirtyDate, ParkingTransaction
from cashless.services import daily_summaries_nightly, daily_summary_rebuild_all, daily_summary_rebuild_dirty
from cashless.tasks import daily_summaries_nightly_task
from smarteconomy.choices import TaskStatus
from smarteconomy.models import TaskRun

from .factories import make_location

DAYS = [date(2025, 3, 1) + timedelta(days=i) for i in range(4)]

transactions = st.lists(
    st.tuples(
        st.sampled_from(["A", "B"]),
        st.sampled_from(DAYS),
        st.integers(0, 23),
        st.sampled_from(PaymentMethod.values),
        st.sampled_from(VehicleClass.values),
        st.sampled_from(TransactionStatus.values),
        st.integers(0, 50_000),
    ),
    max_size=60,
)


def store(locations, rows, start=0):
    objects = []
    for index, (loc, day, hour, method, vehicle, status, amount) in enumerate(rows, start=start):
        moment = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
        objects.append(
            ParkingTransaction(
                location=locations[loc],
                transaction_id=f"T{index}",
                entry_time=moment,
                vehicle_class=vehicle,
                amount=amount,
                payment_method=method,
                status=status,
                business_date=day,
                business_hour=hour,
            )
        )
    ParkingTransaction.objects.bulk_create(objects)
    for code, location in locations.items():
        mark_dates_dirty(location, {day for loc, day, *_ in rows if loc == code})


def direct_group_by():
    """The reference: SQL GROUP BY on the raw table, written by hand."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT location_id, business_date, business_hour, payment_method, vehicle_class, status, "
            "COUNT(*), SUM(amount) FROM cashless_parkingtransaction "
            "GROUP BY location_id, business_date, business_hour, payment_method, vehicle_class, status"
        )
        return {tuple(str(v) for v in row[:6]): (row[6], row[7]) for row in cursor.fetchall()}


def summarised():
    return {
        tuple(str(v) for v in key): (count, amount)
        for *key, count, amount in DailySummary.objects.values_list(
            "location_id", "business_date", "hour", "payment_method", "vehicle_class", "status", "count", "amount"
        )
    }


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=transactions, second=transactions)
def test_summaries_equal_a_direct_group_by_after_incremental_rebuilds(first, second):
    ParkingTransaction.objects.all().delete()
    DailySummary.objects.all().delete()
    DirtyDate.objects.all().delete()
    locations = {"A": make_location("LOC-A", "A"), "B": make_location("LOC-B", "B")}
    store(locations, first)
    daily_summary_rebuild_dirty()
    assert summarised() == direct_group_by()
    store(locations, second, start=len(first))
    daily_summary_rebuild_dirty()
    assert not DirtyDate.objects.exists()
    assert summarised() == direct_group_by()
    daily_summary_rebuild_all()
    assert summarised() == direct_group_by()


@pytest.mark.django_db
def test_the_incremental_rebuild_leaves_clean_dates_alone():
    location = make_location()
    store(
        {"A": location},
        [("A", DAYS[0], 9, "qris", "car", "paid", 5000), ("A", DAYS[1], 9, "cash", "car", "paid", 4000)],
    )
    daily_summary_rebuild_dirty()
    # A summary cell of a clean date changed behind the service's back stays as it is: only dirty dates
    # are recomputed.
    DailySummary.objects.filter(business_date=DAYS[0]).update(count=99)
    store({"A": location}, [("A", DAYS[1], 10, "qris", "car", "failed", 0)], start=10)
    assert set(DirtyDate.objects.values_list("business_date", flat=True)) == {DAYS[1]}
    daily_summary_rebuild_dirty()
    assert DailySummary.objects.get(business_date=DAYS[0]).count == 99
    assert DailySummary.objects.filter(business_date=DAYS[1]).count() == 2


@pytest.mark.django_db
def test_the_nightly_task_rebuilds_yesterday_and_dirty_dates_under_the_task_lock():
    location = make_location()
    store({"A": location}, [("A", DAYS[0], 9, "qris", "car", "paid", 5000)])
    run_id = daily_summaries_nightly_task.delay().get()
    run = TaskRun.objects.get(pk=run_id)
    assert run.status == TaskStatus.SUCCEEDED and run.task == "cashless.daily_summaries_nightly"
    assert DailySummary.objects.get().count == 1
    assert not DirtyDate.objects.exists()
    written, details = daily_summaries_nightly()
    assert written == 0 and "yesterday" in details


@pytest.mark.django_db
def test_cells_whose_transactions_are_gone_are_removed():
    location = make_location()
    store(
        {"A": location}, [("A", DAYS[0], 9, "qris", "car", "paid", 5000), ("A", DAYS[0], 10, "cash", "car", "paid", 1)]
    )
    daily_summary_rebuild_dirty()
    ParkingTransaction.objects.filter(payment_method="cash").delete()  # a repair in the back office
    mark_dates_dirty(location, {DAYS[0]})
    daily_summary_rebuild_dirty()
    assert summarised() == direct_group_by()
    assert DailySummary.objects.count() == 1
