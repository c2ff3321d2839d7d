"""Issue 19: the e-parking log by month. On PostgreSQL the log is partitioned by month of its business date (the
migration moves every row; the nightly task creates the months ahead; an import creates an older month), a query
for one month reads one partition, and a month past retention is archived (pg_dump, checksum, verified restore)
and restored identical row for row, the scorecard's snapshots unchanged. SQLite keeps one table: the same
identity (location, id, business date), and archiving says it needs PostgreSQL."""

import gzip
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from analytics.models import IndicatorSnapshot
from analytics.scorecard import indicators_recompute
from cashless import archive, partitions
from cashless.models import DailySummary, DirtyDate, ParkingArchive, ParkingLocation, ParkingTransaction
from cashless.services import parking_transactions_import, partitions_nightly
from cashless.sources import PARKING_SOURCE
from smarteconomy.choices import ImportStatus
from smarteconomy.testing_locks import lock_period

from .factories import csv_of, day_file, make_location, row

POSTGRES = connection.vendor == "postgresql"
LOG = ParkingTransaction._meta.db_table


@pytest.fixture(autouse=True)
def _english():
    """The assertions read the English messages (the product starts in Indonesian)."""
    with translation.override("en"):
        yield


def attached():
    with connection.cursor() as cursor:
        return partitions.existing(cursor)


APRIL = ("2025-04-02T09:00:00+08:00", "2025-04-02T10:00:00+08:00")


def command(*args):
    out = StringIO()
    call_command("parking_archive", *args, stdout=out)
    return out.getvalue()


def imported(location, data):
    batch = parking_transactions_import(location=location, data=data, filename="log.csv", user=None)
    assert batch.status == ImportStatus.COMMITTED, (batch.message, batch.errors[:3])
    return batch


@pytest.mark.django_db
def test_the_same_transaction_id_on_another_day_is_another_transaction():
    """The unique key every database shares: (location, transaction id, business date)."""
    airport = make_location()
    imported(airport, csv_of(row("T1")))
    batch = imported(airport, csv_of(row("T1", "2025-03-05T09:00:00+08:00", "2025-03-05T10:00:00+08:00")))
    assert batch.rows_created == 1
    assert list(ParkingTransaction.objects.order_by("business_date").values_list("business_date", flat=True)) == [
        date(2025, 3, 4),
        date(2025, 3, 5),
    ]
    # The same id and day with other content is still a conflict, and writes nothing.
    refused = parking_transactions_import(
        location=airport, data=csv_of(row("T1", amount="9000")), filename="log.csv", user=None
    )
    assert refused.status == ImportStatus.REFUSED and "T1" in refused.errors[0]["message"]
    assert ParkingTransaction.objects.count() == 2


@pytest.mark.django_db
def test_the_log_is_partitioned_by_month_on_postgresql_only():
    with connection.cursor() as cursor:
        if not POSTGRES:
            assert not partitions.partitioned()
            return
        cursor.execute("SELECT partstrat FROM pg_partitioned_table WHERE partrelid = %s::regclass", [LOG])
        assert cursor.fetchone() == ("r",)
    months = attached()
    assert set(partitions.window()) <= set(months)
    assert months[date(2025, 3, 1)] == f"{LOG}_p202503"


@pytest.mark.django_db
def test_a_query_for_one_month_reads_one_partition():
    airport = make_location()
    imported(airport, day_file(day=date(2025, 3, 30), days=4, per_day=50))  # March and April
    march = ParkingTransaction.objects.filter(
        location=airport, business_date__gte=date(2025, 3, 1), business_date__lt=date(2025, 4, 1)
    )
    assert march.count() and march.count() < ParkingTransaction.objects.count()
    if not POSTGRES:
        return
    plan = march.order_by("-business_date", "-entry_time", "-id").explain()
    read = {name for name in attached().values() if name in plan}
    assert read == {f"{LOG}_p202503"}, plan


@pytest.mark.django_db
def test_the_nightly_task_creates_the_months_ahead(settings):
    if not POSTGRES:
        assert partitions_nightly() == (0, {"partitioned": False})
        return
    ahead = partitions.window()[-1]
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{LOG}" DETACH PARTITION "{partitions.partition_name(ahead)}"')
        cursor.execute(f'DROP TABLE "{partitions.partition_name(ahead)}"')
    assert ahead not in attached()
    changed, details = partitions_nightly()
    assert ahead in attached()
    assert details["partitions_created"] == [f"{ahead:%Y-%m}"] and details["months_archived"] == []
    assert changed == 1
    assert partitions_nightly()[0] == 0  # nothing left to do


@pytest.mark.django_db
def test_an_import_of_an_old_month_creates_its_partition_on_both_paths():
    airport = make_location()
    old = date(2019, 6, 1)
    if POSTGRES:
        assert old not in attached()
    imported(airport, csv_of(row("OLD1", "2019-06-03T09:00:00+08:00", "2019-06-03T10:00:00+08:00")))
    # The staging path (a stored id in the file) with a month older still.
    batch = imported(
        airport,
        csv_of(
            row("OLD1", "2019-06-03T09:00:00+08:00", "2019-06-03T10:00:00+08:00"),
            row("OLD2", "2019-05-31T09:00:00+08:00", "2019-05-31T10:00:00+08:00"),
        ),
    )
    assert batch.rows_created == 1
    assert ParkingTransaction.objects.filter(business_date__year=2019).count() == 2
    if POSTGRES:
        assert {old, date(2019, 5, 1)} <= set(attached())


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_every_row_into_the_partitions():
    executor = MigrationExecutor(connection)
    before, after = [("cashless", "0002_location_reporting_dates")], [("cashless", "0003_partition_parking_log")]
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        location = old.get_model("cashless", "ParkingLocation").objects.create(code="OLD", name="Lama")
        transaction = old.get_model("cashless", "ParkingTransaction")
        values = {
            "entry_time": "2024-01-31T01:00:00Z",
            "vehicle_class": "car",
            "amount": 5000,
            "payment_method": "qris",
            "status": "paid",
        }
        for pk, tid, day in ((7, "A", date(2024, 1, 31)), (8, "B", date(2024, 2, 1)), (40, "C", date(2018, 2, 3))):
            transaction.objects.create(
                pk=pk, location=location, transaction_id=tid, business_date=day, business_hour=9, **values
            )
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT id, transaction_id, business_date FROM "{LOG}" ORDER BY id')
            assert cursor.fetchall() == [
                (7, "A", date(2024, 1, 31)),
                (8, "B", date(2024, 2, 1)),
                (40, "C", date(2018, 2, 3)),
            ]
            if POSTGRES:
                months = partitions.existing(cursor)
                assert {date(2018, 2, 1), date(2024, 1, 1), date(2024, 2, 1)} <= set(months)
                cursor.execute(f'SELECT count(*) FROM "{LOG}_p201802"')
                assert cursor.fetchone() == (1,)
                # The identity continues after the highest id moved.
                cursor.execute(
                    f'INSERT INTO "{LOG}" (location_id, transaction_id, entry_time, vehicle_class, amount, '
                    "payment_method, issuer, status, failure_reason, gate, business_date, business_hour) VALUES "
                    f"({location.pk}, 'D', now(), 'car', 1, 'qris', '', 'paid', '', '', '2024-02-02', 9) RETURNING id"
                )
                assert cursor.fetchone()[0] > 40
    finally:  # back to the latest migrations, for the tests that run after this one
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert ParkingLocation.objects.filter(code="OLD").exists()


def snapshots():
    indicators_recompute(full=True)
    return sorted(
        IndicatorSnapshot.objects.filter(indicator_code__startswith="cashless.").values_list(
            "indicator_code", "period", "value", "achievement", "status", "completeness"
        )
    )


def rows_of(month_start, month_end):
    return list(
        ParkingTransaction.objects.filter(business_date__gte=month_start, business_date__lt=month_end)
        .order_by("id")
        .values_list()
    )


@pytest.mark.django_db(transaction=True)
def test_archive_then_restore_is_identical_and_the_snapshots_do_not_change(settings, tmp_path, role_users):
    settings.PARKING_ARCHIVE_DIR = tmp_path / "archive"
    airport = make_location()
    ParkingLocation.objects.filter(pk=airport.pk).update(reporting_since=date(2025, 3, 1))
    imported(airport, day_file(day=date(2025, 3, 27), days=8, per_day=120))  # March and April
    # March approved by Bappeda (locked, issue 11): archiving it is allowed, and its figures never change.
    lock_period(PARKING_SOURCE, "2025-03", role_users, part=airport.code)
    march = rows_of(date(2025, 3, 1), date(2025, 4, 1))
    april = rows_of(date(2025, 4, 1), date(2025, 5, 1))
    summaries = sorted(DailySummary.objects.values_list("business_date", "hour", "status", "count", "amount"))
    before = snapshots()
    assert march and april and before
    if not POSTGRES:
        with pytest.raises(archive.ArchiveError, match="PostgreSQL"):
            archive.archive_month(date(2025, 3, 1))
        with pytest.raises(CommandError, match="PostgreSQL"):
            call_command("parking_archive", "list")
        return

    record = archive.archive_month(date(2025, 3, 14))
    assert (record.month, record.state, record.rows) == (date(2025, 3, 1), "archived", len(march))
    dump = settings.PARKING_ARCHIVE_DIR / "2025-03.sql.gz"
    assert record.file == dump.name and record.size == dump.stat().st_size and len(record.sha256) == 64
    with gzip.open(dump, "rt") as text:
        assert f"{LOG}_p202503" in text.read()
    assert date(2025, 3, 1) not in attached()
    assert rows_of(date(2025, 3, 1), date(2025, 4, 1)) == [] and rows_of(date(2025, 4, 1), date(2025, 5, 1)) == april
    with connection.cursor() as cursor:  # no scratch or work table left behind
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname LIKE 'parking_archive%%'")
        assert cursor.fetchone() == (0,)
    # The summaries and the scorecard's figures stay.
    assert sorted(DailySummary.objects.values_list("business_date", "hour", "status", "count", "amount")) == summaries
    assert snapshots() == before
    # An import into the archived month is refused whole; nothing is written, no partition comes back.
    refused = parking_transactions_import(
        location=airport,
        data=csv_of(row("NEW1", "2025-03-10T09:00:00+08:00", "2025-03-10T10:00:00+08:00"), row("NEW2", *APRIL)),
        filename="late.csv",
        user=None,
    )
    assert refused.status == ImportStatus.REFUSED and "2025-03" in refused.errors[0]["message"]
    assert not ParkingTransaction.objects.filter(transaction_id__startswith="NEW").exists()
    assert date(2025, 3, 1) not in attached()
    assert "2025-03  archived" in command("list")

    assert "restored 2025-03" in command("restore", "--month", "2025-03")
    assert rows_of(date(2025, 3, 1), date(2025, 4, 1)) == march
    assert ParkingArchive.objects.get().state == "restored"
    assert not DirtyDate.objects.filter(business_date__lt=date(2025, 4, 1)).exists()
    assert snapshots() == before
    # A restored month stays until it is archived by name again.
    assert date(2025, 3, 1) not in archive.due(date(2031, 1, 1))


@pytest.mark.django_db(transaction=True)
def test_retention_archives_the_old_months_and_a_changed_dump_is_not_restored(settings, tmp_path):
    settings.PARKING_ARCHIVE_DIR = tmp_path
    settings.PARKING_RETENTION_MONTHS = 12
    airport = make_location()
    imported(airport, day_file(day=date(2025, 1, 30), days=4, per_day=40))  # January and February 2025
    if not POSTGRES:
        assert partitions_nightly() == (0, {"partitioned": False})
        return
    # On 2026-02-10 with 12 months kept, January 2025 is past retention; February 2025 is the first month kept.
    assert archive.due(date(2026, 2, 10)) == [date(2025, 1, 1)]  # the empty older partitions have nothing to keep
    _changed, details = partitions_nightly(date(2026, 2, 10))
    assert "2025-01" in details["months_archived"] and "2025-02" not in details["months_archived"]
    assert ParkingTransaction.objects.filter(business_date__lt=date(2025, 2, 1)).count() == 0
    assert ParkingTransaction.objects.filter(business_date__gte=date(2025, 2, 1)).exists()
    assert partitions_nightly(date(2026, 2, 10))[1]["months_archived"] == []  # archived once
    # A dump changed since is refused by its checksum, and the month stays archived.
    with open(tmp_path / "2025-01.sql.gz", "ab") as dump:
        dump.write(b"\0")
    with pytest.raises(CommandError, match="checksum"):
        command("restore", "--month", "2025-01")
    assert ParkingArchive.objects.get(month=date(2025, 1, 1)).state == "archived"
    assert date(2025, 1, 1) not in attached()


@pytest.mark.django_db
def test_the_command_refuses_bad_input():
    with pytest.raises(CommandError, match="YYYY-MM"):
        command("archive", "--month", "2025-13")
    with pytest.raises(CommandError, match="YYYY-MM"):
        command("archive", "--month", "March")
    with pytest.raises(CommandError, match="--month"):
        command("restore")
    if POSTGRES:
        with pytest.raises(CommandError, match="not archived"):
            command("restore", "--month", "2025-03")
        with pytest.raises(CommandError, match="no partition"):
            command("archive", "--month", "1990-01")
    assert not ParkingArchive.objects.exists()
