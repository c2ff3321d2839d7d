"""The e-parking import: idempotent, conflicts reported, all or nothing, WITA business dates; on SQLite and
(with DATABASE_URL) on PostgreSQL, where it takes the COPY path."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cashless.models import DailySummary, DirtyDate, ParkingTransaction
from cashless.services import parking_transactions_import
from smarteconomy.choices import ImportStatus

from .factories import csv_of, day_file, make_location, row

pytestmark = pytest.mark.django_db(transaction=False)


def run(data, location=None, dry_run=False, filename="log.csv"):
    return parking_transactions_import(
        location=location or make_location(), data=data, filename=filename, user=None, dry_run=dry_run
    )


def test_a_file_is_imported_and_re_importing_it_adds_nothing():
    data = day_file(per_day=300)
    first = run(data)
    assert first.status == ImportStatus.COMMITTED, first.errors
    count = ParkingTransaction.objects.count()
    assert first.rows_created == count == first.rows_total > 200
    again = run(data)
    assert again.status == ImportStatus.COMMITTED
    assert again.rows_created == 0
    assert ParkingTransaction.objects.count() == count
    assert DirtyDate.objects.count() == 0  # the import rebuilt its dates
    assert sum(DailySummary.objects.values_list("count", flat=True)) == count


def test_a_stored_transaction_with_other_content_is_a_conflict_and_nothing_is_written():
    run(csv_of(row("A1"), row("A2")))
    batch = run(csv_of(row("A3"), row("A2", amount="9000"), row("A4")))
    assert batch.status == ImportStatus.REFUSED
    assert batch.errors_count == 1
    error = batch.errors[0]
    assert error["row"] == 3 and error["column"] == "transaction_id" and "A2" in error["message"]
    assert set(ParkingTransaction.objects.values_list("transaction_id", flat=True)) == {"A1", "A2"}
    assert ParkingTransaction.objects.get(transaction_id="A2").amount == 6000


def test_one_bad_row_among_many_writes_nothing_and_names_the_row():
    lines = day_file(per_day=2000).decode().splitlines()
    bad_at = 1234
    cells = lines[bad_at].split(",")
    cells[3] = "truck"
    lines[bad_at] = ",".join(cells)
    batch = run(("\n".join(lines) + "\n").encode())
    assert batch.status == ImportStatus.REFUSED
    assert batch.errors == [{"row": bad_at + 1, "column": "vehicle_class", "message": batch.errors[0]["message"]}]
    assert "motorcycle, car, bus, other" in batch.errors[0]["message"]
    assert ParkingTransaction.objects.count() == 0
    assert DailySummary.objects.count() == 0


@pytest.mark.parametrize(
    "bad, column",
    [
        (row(entry="04/03/2025 09:00"), "entry_time"),
        (row(entry="2025-02-30T09:00:00"), "entry_time"),
        (row(amount="5.000"), "amount"),
        (row(amount="-5"), "amount"),
        (row(method="gopay"), "payment_method"),
        (row(issuer="x" * 61), "issuer"),
        (row(exit_="2025-03-04T08:00:00+08:00"), "exit_time"),
        (row(tid=""), "transaction_id"),
        ("T9,2025-03-04T09:00:00", "amount"),
    ],
)
def test_each_bad_cell_is_reported_with_its_row_and_column(bad, column):
    batch = run(csv_of(row("OK1"), bad))
    assert batch.status == ImportStatus.REFUSED
    assert (batch.errors[0]["row"], batch.errors[0]["column"]) == (3, column)
    assert ParkingTransaction.objects.count() == 0


def test_a_time_in_the_future_is_refused_a_few_minutes_of_clock_skew_are_not():
    now = timezone.localtime()
    later = (now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S")
    skewed = (now + timedelta(minutes=3)).strftime("%Y-%m-%dT%H:%M:%S")
    earlier = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")
    batch = run(csv_of(row("F1", entry=earlier, exit_=later), row("F2", entry=later, exit_="")))
    assert batch.status == ImportStatus.REFUSED
    assert [(error["row"], error["column"]) for error in batch.errors] == [(2, "exit_time"), (3, "entry_time")]
    assert "future" in batch.errors[0]["message"] or "masa depan" in batch.errors[0]["message"]
    assert ParkingTransaction.objects.count() == 0
    assert run(csv_of(row("F3", entry=earlier, exit_=skewed))).status == ImportStatus.COMMITTED


def test_a_row_with_an_unquoted_comma_is_refused_and_named():
    batch = run(csv_of(row("OK1"), row("C1", amount="12,5")))
    assert batch.status == ImportStatus.REFUSED
    assert ParkingTransaction.objects.count() == 0
    # SQLite's path reads every column: the extra cell itself. PostgreSQL's reads the checked columns: the
    # shifted cell ("5" is no payment method); COPY would refuse the extra cell if the shift went unnoticed.
    assert (batch.errors[0]["row"], batch.errors[0]["column"]) in ((3, ""), (3, "payment_method"))


def test_duplicate_transaction_ids_in_one_file_are_refused():
    batch = run(csv_of(row("D1"), row("D2"), row("D1")))
    assert batch.status == ImportStatus.REFUSED
    assert batch.errors[0]["row"] == 4 and " 2" in batch.errors[0]["message"]


def test_unknown_and_missing_columns_are_refused():
    batch = run(b"transaction_id,entry_time,colour\nX,2025-03-04T09:00:00,red\n")
    assert batch.status == ImportStatus.REFUSED
    columns = {error["column"] for error in batch.errors}
    assert {"colour", "amount", "status"} <= columns


def test_times_without_offset_are_wita_and_the_business_date_is_that_of_the_exit():
    batch = run(
        csv_of(
            row("N1", entry="2025-03-04T23:30:00", exit_="2025-03-05T00:20:00"),
            row("U1", entry="2025-03-04T15:00:00Z", exit_=""),
        )
    )
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    night = ParkingTransaction.objects.get(transaction_id="N1")
    assert night.entry_time == datetime(2025, 3, 4, 15, 30, tzinfo=UTC)
    assert (night.business_date, night.business_hour) == (date(2025, 3, 5), 0)
    utc = ParkingTransaction.objects.get(transaction_id="U1")
    assert (utc.business_date, utc.business_hour) == (date(2025, 3, 4), 23)
    assert utc.exit_time is None and utc.issuer == "QRIS BRI"


def test_optional_columns_may_be_left_out_and_semicolon_files_are_read():
    header = "transaction_id;entry_time;vehicle_class;amount;payment_method;status"
    batch = run(csv_of("S1;2025-03-04T09:00:00;motorcycle;2000;cash;paid", header=header))
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    stored = ParkingTransaction.objects.get()
    assert (stored.issuer, stored.gate, stored.exit_time) == ("", "", None)


def test_a_dry_run_writes_nothing():
    batch = run(day_file(per_day=100), dry_run=True)
    assert batch.status == ImportStatus.VALIDATED
    assert ParkingTransaction.objects.count() == 0


def test_the_same_transaction_id_at_another_location_is_another_transaction():
    run(csv_of(row("Z1")))
    batch = run(csv_of(row("Z1", amount="1")), location=make_location("BSB", "Balikpapan Superblock"))
    assert batch.status == ImportStatus.COMMITTED
    assert ParkingTransaction.objects.count() == 2


def test_import_parking_command(tmp_path):
    make_location()
    path = tmp_path / "day.csv"
    path.write_bytes(day_file(per_day=50))
    out = io.StringIO()
    call_command("import_parking", str(path), "--location", "sepinggan", "--dry-run", stdout=out)
    assert ParkingTransaction.objects.count() == 0
    call_command("import_parking", str(path), "--location", "SEPINGGAN", stdout=out)
    assert ParkingTransaction.objects.count() > 20
    path.write_bytes(csv_of(row("X", vehicle="tank")))
    with pytest.raises(CommandError):
        call_command("import_parking", str(path), "--location", "SEPINGGAN", stdout=out, stderr=io.StringIO())
    with pytest.raises(CommandError, match="No such location"):
        call_command("import_parking", str(path), "--location", "NOWHERE", stdout=out)


def test_a_short_row_is_refused_and_nothing_is_written():
    batch = run(csv_of(row("OK1"), "S2,2025-03-04T09:00:00,,car,6000,cash,,paid"))
    assert batch.status in (ImportStatus.REFUSED, ImportStatus.FAILED) or batch.rows_created == 2
    if batch.status == ImportStatus.COMMITTED:  # SQLite: the missing trailing cells are empty optional cells
        assert ParkingTransaction.objects.get(transaction_id="S2").gate == ""
    else:  # PostgreSQL's COPY names the row
        assert batch.status == ImportStatus.REFUSED
        assert (batch.errors[0]["row"], batch.errors[0]["column"]) == (3, "failure_reason")
        assert ParkingTransaction.objects.count() == 0


def test_a_location_with_transactions_cannot_be_deleted():
    from django.db.models import ProtectedError

    location = make_location()
    run(csv_of(row("P1")), location=location)
    with pytest.raises(ProtectedError):
        location.delete()


def test_the_documented_columns_are_the_validated_ones():
    from cashless import ingest
    from cashless.importers import ParkingTransactionImporter

    columns = ParkingTransactionImporter.columns
    assert tuple(column.name for column in columns) == ingest.COLUMNS
    assert {column.name for column in columns if column.required} == set(ingest.REQUIRED)


def test_a_row_with_an_extra_cell_at_its_end_is_refused_and_named():
    batch = run(csv_of(row("OK1"), row("E1") + ",extra"))
    assert batch.status == ImportStatus.REFUSED
    assert batch.errors[0]["row"] == 3
    assert ParkingTransaction.objects.count() == 0
